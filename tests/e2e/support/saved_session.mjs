// The saved session a page keeps in IndexedDB (`persist: true`), read from the test's side.

/**
 * The client's saved session, read from IndexedDB in the page: its flow counter and how many
 * messages are unfinished (in flight or queued). The record is the compact binary form
 * (`SessionState::to_bytes`): magic, has-session, next packet id, next flow, connection, then
 * the outgoing entries (stage, flow, length-prefixed PUBLISH) and the queued ones (flow, PUBLISH).
 * Resolves to `{ flows, pending }`, or null when nothing is saved under `clientId`.
 */
export function savedSession(page, clientId) {
  return page.evaluate((clientId) => new Promise((resolve, reject) => {
    const open = indexedDB.open('qoscope', 1);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const request = open.result.transaction('sessions').objectStore('sessions').get(clientId);
      request.onsuccess = () => {
        open.result.close();
        if (!request.result) return resolve(null);
        const bytes = request.result;
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const flows = view.getUint32(7);
        let at = 15;
        const outgoing = view.getUint16(at);
        at += 2;
        for (let i = 0; i < outgoing; i++) at += 1 + 4 + 4 + view.getUint32(at + 5);
        const queued = view.getUint16(at);
        resolve({ flows, pending: outgoing + queued });
      };
      request.onerror = () => reject(request.error);
    };
  }), clientId);
}

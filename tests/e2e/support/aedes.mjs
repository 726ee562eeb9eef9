// A real MQTT 3.1.1-only broker for the tests: Aedes (npm `aedes`, which speaks 3.1.1 and not
// 5.0) behind a WebSocket listener on a free loopback port, in this process. It answers a 5.0
// CONNECT as 3.1.1 requires [MQTT-3.1.2-2]: CONNACK return code 0x01, then it closes.
//
//   const broker = await startAedes();   // broker.url: ws://127.0.0.1:PORT/mqtt
//   await broker.close();
import { Aedes } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';

export async function startAedes() {
  const aedes = await Aedes.createBroker();
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    // Select `mqtt` when offered [MQTT-6.0.0-4], as a broker's WebSocket listener does.
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
  });
  await new Promise((ok, fail) => {
    server.once('listening', ok);
    server.once('error', fail);
  });
  server.on('connection', (socket) => {
    const stream = createWebSocketStream(socket);
    // A client that goes away mid-write is not an error for the tests.
    stream.on('error', () => {});
    aedes.handle(stream);
  });
  return {
    url: `ws://127.0.0.1:${server.address().port}/mqtt`,
    async close() {
      for (const socket of server.clients) socket.terminate();
      await new Promise((ok) => server.close(ok));
      await new Promise((ok) => aedes.close(ok));
    },
  };
}

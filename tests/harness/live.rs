//! The live backend: our sessions over real WebSockets (tungstenite) to Mosquitto, driven by the
//! wall clock. Packet loss is injected on our side of the socket: a packet we "lose" towards the
//! broker is never written, one we "lose" from the broker is never handed to the session.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use qoscope::clients::{ClientIndex, Clients, TransportFacts};
use qoscope::codec::{FrameDecoder, PacketType};
use qoscope::session::{ConnectOptions, Event, Session};
use qoscope::trace::{ClientTag, Direction, PacketFate, PacketRecord, TraceEvent};
use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, WebSocket};

use super::Backend;

struct LiveClient {
    session: Session,
    socket: Option<WebSocket<TcpStream>>,
    drop_up: Vec<PacketType>,
    drop_down: Vec<PacketType>,
    up_frames: FrameDecoder,
    down_frames: FrameDecoder,
}

pub struct LiveBackend {
    url: String,
    prefix: String,
    start: Instant,
    clients: Vec<LiveClient>,
    /// Packets the clients received (the trace records no others), and their sessions' events.
    trace: Vec<TraceEvent>,
    events: Vec<(ClientIndex, Event)>,
}

impl LiveBackend {
    pub fn new(test: &str) -> LiveBackend {
        let nonce = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
            % 1_000_000_007;
        LiveBackend {
            url: super::mosquitto::url().to_owned(),
            prefix: format!("qoscope-test/{test}-{nonce}/"),
            start: Instant::now(),
            clients: Vec::new(),
            trace: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Moves bytes both ways for one client; returns whether anything moved.
    fn pump(&mut self, client: usize) -> bool {
        let now = self.now();
        let live = &mut self.clients[client];
        let mut moved = false;
        if live
            .session
            .poll_timeout()
            .is_some_and(|deadline| deadline <= now)
        {
            live.session.handle_timeout(now);
        }
        while let Some(bytes) = live.session.poll_transmit() {
            moved = true;
            live.up_frames.push(&bytes);
            let mut out = Vec::new();
            while let Ok(Some(frame)) = live.up_frames.next_frame() {
                let kind = frame.packet.packet_type();
                if let Some(index) = live.drop_up.iter().position(|drop| *drop == kind) {
                    live.drop_up.remove(index);
                    continue;
                }
                out.extend_from_slice(&frame.raw);
            }
            if let (Some(socket), false) = (live.socket.as_mut(), out.is_empty()) {
                socket
                    .send(Message::Binary(out.into()))
                    .expect("write to mosquitto");
            }
        }
        if live.session.poll_close() {
            moved = true;
            live.socket = None;
        }
        if let Some(socket) = live.socket.as_mut() {
            match socket.read() {
                Ok(Message::Binary(data)) => {
                    moved = true;
                    live.down_frames.push(&data);
                    loop {
                        match live.down_frames.next_frame() {
                            Ok(Some(frame)) => {
                                let kind = frame.packet.packet_type();
                                if let Some(index) =
                                    live.drop_down.iter().position(|drop| *drop == kind)
                                {
                                    live.drop_down.remove(index);
                                    continue;
                                }
                                self.trace.push(TraceEvent::Packet(PacketRecord {
                                    id: self.trace.len() as u64,
                                    time: now,
                                    arrival: None,
                                    client: live.session.tag(),
                                    connection: 0,
                                    direction: Direction::Incoming,
                                    packet: Ok(frame.packet),
                                    raw: frame.raw.clone(),
                                    fate: PacketFate::Delivered,
                                    flow: None,
                                }));
                                live.session.handle_bytes(now, &frame.raw);
                            }
                            Ok(None) => break,
                            Err(error) => {
                                panic!("mosquitto sent a packet we cannot decode: {error}")
                            }
                        }
                    }
                }
                Ok(_) => moved = true,
                Err(tungstenite::Error::Io(error))
                    if matches!(
                        error.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => {
                    moved = true;
                    live.socket = None;
                    live.session.handle_transport_closed("closed by mosquitto");
                }
            }
        }
        while let Some(event) = live.session.poll_event() {
            self.events.push((client, event));
        }
        moved
    }
}

impl Clients for LiveBackend {
    /// The client id is prefixed, so runs do not take over each other's sessions.
    fn add_client(&mut self, mut options: ConnectOptions) -> ClientIndex {
        options.client_id = format!("{}{}", self.prefix.replace('/', "-"), options.client_id);
        let version = options.version;
        let index = self.clients.len();
        let tag = ClientTag::of_index(index).expect("fewer clients than trace tags");
        self.clients.push(LiveClient {
            session: Session::new(options, tag),
            socket: None,
            drop_up: Vec::new(),
            drop_down: Vec::new(),
            up_frames: FrameDecoder::new(version),
            down_frames: FrameDecoder::new(version),
        });
        index
    }

    fn client_count(&self) -> usize {
        self.clients.len()
    }

    fn options(&self, client: ClientIndex) -> Option<ConnectOptions> {
        Some(self.clients.get(client)?.session.options().clone())
    }

    fn set_options(&mut self, client: ClientIndex, options: ConnectOptions) {
        self.clients[client].session.set_options(options);
    }

    fn read(&self, client: ClientIndex, read: &mut dyn FnMut(&Session)) {
        read(&self.clients[client].session);
    }

    fn connect(&mut self, client: ClientIndex) {
        let mut request = self.url.as_str().into_client_request().unwrap();
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", "mqtt".parse().unwrap());
        let address = self
            .url
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .unwrap()
            .to_owned();
        let stream = TcpStream::connect(&address).expect("connect to mosquitto");
        stream.set_nodelay(true).unwrap();
        let (socket, response) = tungstenite::client(request, stream).expect("WebSocket handshake");
        // [MQTT-6.0.0-4]: the server selects the "mqtt" subprotocol.
        assert_eq!(
            response
                .headers()
                .get("sec-websocket-protocol")
                .map(|v| v.to_str().unwrap()),
            Some("mqtt")
        );
        socket
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(3)))
            .unwrap();
        let now = self.now();
        let live = &mut self.clients[client];
        let version = live.session.version();
        live.socket = Some(socket);
        live.up_frames = FrameDecoder::new(version);
        live.down_frames = FrameDecoder::new(version);
        live.session.handle_transport_open(now);
        self.pump(client);
    }

    fn cut(&mut self, client: ClientIndex) {
        let live = &mut self.clients[client];
        live.socket = None;
        live.session.handle_transport_closed("connection cut");
    }

    fn command(&mut self, client: ClientIndex, command: &mut dyn FnMut(&mut Session, u64)) {
        let now = self.now();
        command(&mut self.clients[client].session, now);
        self.pump(client);
    }

    fn drop_next(&mut self, client: ClientIndex, direction: Direction, kind: PacketType) {
        let live = &mut self.clients[client];
        match direction {
            Direction::Outgoing => live.drop_up.push(kind),
            Direction::Incoming => live.drop_down.push(kind),
        }
    }

    fn inject(&mut self, client: ClientIndex, bytes: &[u8]) {
        let live = &mut self.clients[client];
        if let Some(socket) = live.socket.as_mut() {
            socket
                .send(Message::Binary(bytes.to_vec().into()))
                .expect("write to mosquitto");
        }
    }

    /// The scenarios send one WebSocket message per write.
    fn set_frame_limit(&mut self, _client: ClientIndex, _bytes: Option<usize>) -> bool {
        false
    }

    fn transport(&self) -> Option<TransportFacts> {
        None
    }

    fn poll(&mut self) -> (Vec<TraceEvent>, Vec<(ClientIndex, Event)>) {
        (
            std::mem::take(&mut self.trace),
            std::mem::take(&mut self.events),
        )
    }

    fn now(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    fn close_all(&mut self) {
        for client in 0..self.clients.len() {
            self.cut(client);
        }
    }
}

impl Backend for LiveBackend {
    fn prefix(&self) -> &str {
        &self.prefix
    }

    fn settle(&mut self, ms: u64) {
        let started = Instant::now();
        let mut last_activity = Instant::now();
        loop {
            let mut moved = false;
            for client in 0..self.clients.len() {
                moved |= self.pump(client);
            }
            if moved {
                last_activity = Instant::now();
            }
            let quiet = last_activity.elapsed() >= Duration::from_millis(120);
            if quiet && started.elapsed() >= Duration::from_millis(ms) {
                return;
            }
        }
    }
}

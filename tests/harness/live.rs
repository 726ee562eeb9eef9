//! The live backend: our sessions over real WebSockets (tungstenite) to Mosquitto, driven by the
//! wall clock. Packet loss is injected on our side of the socket: a packet we "lose" towards the
//! broker is never written, one we "lose" from the broker is never handed to the session.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use qoscope::codec::{FrameDecoder, PacketType};
use qoscope::session::{ConnectOptions, Event, Session};
use qoscope::trace::Direction;
use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, WebSocket};

use super::{Backend, Seen};

struct LiveClient {
    session: Session,
    socket: Option<WebSocket<TcpStream>>,
    drop_up: Vec<PacketType>,
    drop_down: Vec<PacketType>,
    up_frames: FrameDecoder,
    down_frames: FrameDecoder,
    seen: Vec<Seen>,
    events: Vec<Event>,
}

pub struct LiveBackend {
    url: String,
    prefix: String,
    start: Instant,
    clients: Vec<LiveClient>,
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
        }
    }

    fn now(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// Moves bytes both ways for one client; returns whether anything moved.
    fn pump(&mut self, client: usize) -> bool {
        let now = self.now();
        let prefix = self.prefix.clone();
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
                                live.seen.push(Seen::from_packet(&frame.packet, &prefix));
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
            live.events.push(event);
        }
        moved
    }
}

impl Backend for LiveBackend {
    fn prefix(&self) -> &str {
        &self.prefix
    }

    fn add_client(&mut self, mut options: ConnectOptions) -> usize {
        options.client_id = format!("{}{}", self.prefix.replace('/', "-"), options.client_id);
        let version = options.version;
        self.clients.push(LiveClient {
            session: Session::new(options, self.clients.len() as u32 + 1),
            socket: None,
            drop_up: Vec::new(),
            drop_down: Vec::new(),
            up_frames: FrameDecoder::new(version),
            down_frames: FrameDecoder::new(version),
            seen: Vec::new(),
            events: Vec::new(),
        });
        self.clients.len() - 1
    }

    fn connect(&mut self, client: usize) {
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

    fn cut(&mut self, client: usize) {
        let live = &mut self.clients[client];
        live.socket = None;
        live.session.handle_transport_closed("connection cut");
    }

    fn command(&mut self, client: usize, command: &mut dyn FnMut(&mut Session, u64)) {
        let now = self.now();
        command(&mut self.clients[client].session, now);
        self.pump(client);
    }

    fn drop_next(&mut self, client: usize, side: Direction, kind: PacketType) {
        let live = &mut self.clients[client];
        match side {
            Direction::Outgoing => live.drop_up.push(kind),
            Direction::Incoming => live.drop_down.push(kind),
        }
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

    fn seen(&mut self, client: usize) -> Vec<Seen> {
        std::mem::take(&mut self.clients[client].seen)
    }

    fn events(&mut self, client: usize) -> Vec<Event> {
        std::mem::take(&mut self.clients[client].events)
    }
}

//! A Mosquitto WebSocket listener for native tests: the one `scripts/test` started (its URL in
//! `QOSCOPE_MOSQUITTO_WS_URL`), or one started here on free loopback ports, which stops when
//! the test process exits (it waits on our stdin and is killed when that pipe closes).

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

static URL: OnceLock<String> = OnceLock::new();
/// The launcher; its stdin pipe stays open for the life of the test process.
static LAUNCHER: Mutex<Option<Child>> = Mutex::new(None);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The broker's WebSocket URL.
pub fn url() -> &'static str {
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("QOSCOPE_MOSQUITTO_WS_URL") {
            return url;
        }
        let (tcp, ws) = (free_port(), free_port());
        let dir = std::env::temp_dir().join(format!("qoscope-mosquitto-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let config = dir.join("mosquitto.conf");
        let mut file = std::fs::File::create(&config).unwrap();
        writeln!(
            file,
            "allow_anonymous true\npersistence false\nlog_dest stderr\nmax_queued_messages 10000\n\
             listener {tcp} 127.0.0.1\nlistener {ws} 127.0.0.1\nsocket_domain ipv4\nprotocol websockets"
        )
        .unwrap();
        let script = format!(
            "mosquitto -c '{}' 2>'{}' & pid=$!; read _; kill $pid; wait $pid; rm -rf '{}'",
            config.display(),
            dir.join("mosquitto.log").display(),
            dir.display()
        );
        let child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::piped())
            .spawn()
            .expect("mosquitto must be installed (scripts/setup installs it)");
        *LAUNCHER.lock().unwrap() = Some(child);
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", ws)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(10), "mosquitto did not start on port {ws}");
            std::thread::sleep(Duration::from_millis(20));
        }
        format!("ws://127.0.0.1:{ws}/mqtt")
    })
}

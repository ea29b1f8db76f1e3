//! The hermetic harness: every test gets its own HOME and config path, no MODAL_* variable
//! from outside, NO_COLOR=1, and every run of the binary is checked for leaked secrets.

#![allow(dead_code)]

pub mod browser;
pub mod hostile_server;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use reference_server::{Options, ReferenceServer};

pub const BIN: &str = env!("CARGO_BIN_EXE_modal-setup");

pub struct TestEnv {
    dir: tempfile::TempDir,
    pub home: PathBuf,
    /// The config file every command uses (through MODAL_CONFIG_PATH) unless a test says not.
    pub config: PathBuf,
    env: Vec<(String, String)>,
}

impl TestEnv {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("create a temp dir");
        let home = dir.path().join("home");
        std::fs::create_dir(&home).expect("create HOME");
        let config = home.join(".modal.toml");
        let env = vec![("MODAL_CONFIG_PATH".to_owned(), config.display().to_string())];
        Self {
            dir,
            home,
            config,
            env,
        }
    }

    /// The temp directory holding HOME, for files of a test's own.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Sets a variable for every later command of this environment.
    pub fn set_env(&mut self, name: &str, value: &str) {
        self.env.retain(|(k, _)| k != name);
        self.env.push((name.to_owned(), value.to_owned()));
    }

    pub fn remove_env(&mut self, name: &str) {
        self.env.retain(|(k, _)| k != name);
    }

    pub fn write(&self, text: &str) {
        std::fs::write(&self.config, text).expect("write the config");
    }

    pub fn read(&self) -> String {
        std::fs::read_to_string(&self.config).expect("read the config")
    }

    pub fn cmd(&self, args: &[&str]) -> Cmd {
        self.cmd_of(Path::new(BIN), args)
    }

    /// Like [`TestEnv::cmd`], with another copy of the binary.
    pub fn cmd_of(&self, program: &Path, args: &[&str]) -> Cmd {
        let mut command = Command::new(program);
        command
            .args(args)
            .env_clear()
            .env("HOME", &self.home)
            .env("USERPROFILE", &self.home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("NO_COLOR", "1")
            .current_dir(self.dir.path());
        for (name, value) in &self.env {
            command.env(name, value);
        }
        Cmd {
            command,
            stdin: None,
        }
    }

    /// Runs the binary with these arguments and no stdin.
    pub fn run(&self, args: &[&str]) -> Run {
        self.cmd(args).run()
    }
}

pub struct Cmd {
    pub command: Command,
    stdin: Option<String>,
}

impl Cmd {
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.command.env(name, value);
        self
    }

    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.to_owned());
        self
    }

    pub fn run(self) -> Run {
        let run = self.run_revealing();
        assert_no_secret(&run.stdout);
        run
    }

    /// Runs a command whose stdout is meant to hold a secret (`token env`); stderr is still
    /// checked.
    pub fn run_revealing(mut self) -> Run {
        self.command
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = start(&mut self.command);
        if let Some(text) = self.stdin {
            let mut stdin = child.stdin.take().expect("piped stdin");
            let _ = stdin.write_all(text.as_bytes());
        }
        let output = child.wait_with_output().expect("wait for modal-setup");
        let run = Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert_no_secret(&run.stderr);
        run
    }
}

/// Fails the test when text holds anything shaped like a token secret (`as-` then a letter or
/// digit). No output of modal-setup may ever contain one.
/// What a test needs that this machine may lack, and the variable under which lacking it is a
/// failure instead of a skip (.ci/run sets them all: there everything is installed).
#[derive(Clone, Copy, Debug)]
pub enum Needs {
    /// bash, zsh and fish: MODAL_SETUP_REQUIRE_SHELLS.
    Shells,
    /// Root, and `unshare` for a mount namespace: MODAL_SETUP_REQUIRE_ROOT.
    Root,
    /// node and Modal's JS SDK (scripts/js-sdk): MODAL_SETUP_REQUIRE_JS_SDK.
    JsSdk,
    /// The npm packages, installed by scripts/npm-test: MODAL_SETUP_REQUIRE_NPM.
    Npm,
    /// The examples, which `cargo test` builds (a filtered build may not):
    /// MODAL_SETUP_REQUIRE_EXAMPLES.
    Examples,
    /// git, to make the work trees of tests/integration/git_work_tree.rs:
    /// MODAL_SETUP_REQUIRE_GIT.
    Git,
    /// Modal's Go SDK judge, unpacked by scripts/go-judge: MODAL_SETUP_REQUIRE_GO_SDK.
    GoSdk,
}

impl Needs {
    fn variable(self) -> &'static str {
        match self {
            Self::Shells => "MODAL_SETUP_REQUIRE_SHELLS",
            Self::Root => "MODAL_SETUP_REQUIRE_ROOT",
            Self::JsSdk => "MODAL_SETUP_REQUIRE_JS_SDK",
            Self::Npm => "MODAL_SETUP_REQUIRE_NPM",
            Self::Examples => "MODAL_SETUP_REQUIRE_EXAMPLES",
            Self::Git => "MODAL_SETUP_REQUIRE_GIT",
            Self::GoSdk => "MODAL_SETUP_REQUIRE_GO_SDK",
        }
    }

    /// What to do for the test to run, in plain words.
    fn remedy(self) -> &'static str {
        match self {
            Self::Shells => "install bash, zsh and fish",
            Self::Root => "run the tests as root, with unshare (util-linux) installed",
            Self::JsSdk => "install node and npm, then run scripts/js-sdk",
            Self::Npm => "run scripts/dist, scripts/npm-pack and scripts/npm-test",
            Self::Examples => "run cargo test without a filter, which builds the examples",
            Self::Git => "install git",
            Self::GoSdk => "run scripts/go-judge",
        }
    }
}

/// A test (or part of one) that cannot run here: fails when its variable is 1, else prints
/// `SKIPPED test: why` straight to the terminal, past the harness's capture of a passing
/// test's output, so that a skip never passes unseen as `ok`.
#[track_caller]
pub fn skip(test: &str, needs: Needs, why: &str) {
    let required = std::env::var(needs.variable()).as_deref() == Ok("1");
    skip_or_fail(test, needs, why, required);
}

#[track_caller]
fn skip_or_fail(test: &str, needs: Needs, why: &str, required: bool) {
    assert!(
        !required,
        "{}=1 but {test} cannot run: {why}",
        needs.variable()
    );
    let remedy = needs.remedy();
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {why}; to run it: {remedy}"
    );
}

#[test]
#[should_panic(
    expected = "MODAL_SETUP_REQUIRE_SHELLS=1 but a test cannot run: zsh is not installed"
)]
fn a_skip_is_a_failure_where_its_need_is_required() {
    skip_or_fail("a test", Needs::Shells, "zsh is not installed", true);
}

/// The example `name` built beside the binary (`cargo test` builds the examples), or `None`
/// after saying that `test` is skipped (a filtered build may not have built it).
pub fn example(name: &str, test: &str) -> Option<PathBuf> {
    let path = Path::new(BIN).parent()?.join("examples").join(name);
    if path.exists() {
        return Some(path);
    }
    skip(
        test,
        Needs::Examples,
        &format!("{} is not built", path.display()),
    );
    None
}

/// A small deterministic generator (xorshift64*) for randomised tests, seeded from the
/// variable `var` when it is set (to replay a run) or else from the clock; the seed is given
/// back for the test to print.
pub struct Rng(u64);

impl Rng {
    pub fn seeded(var: &str) -> (Self, u64) {
        let seed = std::env::var(var)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        (Self(seed | 1), seed)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// A command line's arguments, split at spaces (no quoting: for arguments without spaces).
pub fn words(line: &str) -> Vec<&str> {
    line.split(' ').collect()
}

pub fn assert_no_secret(text: &str) {
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices("as-") {
        let next = bytes.get(at + 3).copied().unwrap_or(b' ');
        let word_start = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        assert!(
            !(word_start && next.is_ascii_alphanumeric()),
            "output contains a token secret at byte {at}"
        );
    }
}

/// The binary running in the background, its output collected as it comes.
pub struct Running {
    child: std::process::Child,
    stdout: std::thread::JoinHandle<String>,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
    stderr_thread: std::thread::JoinHandle<()>,
}

impl Cmd {
    pub fn spawn(mut self) -> Running {
        use std::io::Read;
        self.command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = start(&mut self.command);
        let mut out = child.stdout.take().expect("piped stdout");
        let mut err = child.stderr.take().expect("piped stderr");
        let stdout = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = out.read_to_string(&mut text);
            text
        });
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = std::sync::Arc::clone(&stderr);
        let stderr_thread = std::thread::spawn(move || {
            let mut buffer = [0u8; 1024];
            while let Ok(n) = err.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        Running {
            child,
            stdout,
            stderr,
            stderr_thread,
        }
    }
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until stderr contains `text`; returns stderr so far.
    #[track_caller]
    pub fn wait_for(&self, text: &str, timeout: std::time::Duration) -> String {
        let started = std::time::Instant::now();
        loop {
            let so_far = self.stderr();
            if so_far.contains(text) {
                return so_far;
            }
            assert!(
                started.elapsed() < timeout,
                "modal-setup never printed {text:?}; stderr so far:\n{so_far}"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// The loopback port of a `setup -v` that is waiting for the login (it names the port).
    #[track_caller]
    pub fn loopback_port(&self, timeout: std::time::Duration) -> u16 {
        let stderr = self.wait_for("Waiting for the login", timeout);
        stderr
            .split("listens on 127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|p| p.parse().ok())
            .expect("-v names the loopback port")
    }

    /// Waits for the process to end, with a bound, and checks its output for secrets.
    pub fn finish(mut self, timeout: std::time::Duration) -> Run {
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for modal-setup") {
                break status;
            }
            if started.elapsed() > timeout {
                let _ = self.child.kill();
                panic!(
                    "modal-setup did not exit within {timeout:?}; stderr:\n{}",
                    self.stderr()
                );
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        let stdout = self.stdout.join().expect("stdout reader");
        self.stderr_thread.join().expect("stderr reader");
        let stderr = self.stderr.lock().unwrap().clone();
        let run = Run {
            code: status.code(),
            stdout,
            stderr,
        };
        assert_no_secret(&run.stderr);
        run
    }
}

/// examples/peak_rss, which `cargo test` builds: it runs a command and reports its peak RSS.
pub fn peak_rss_helper() -> PathBuf {
    let helper = Path::new(BIN)
        .parent()
        .expect("target/debug")
        .join("examples/peak_rss");
    assert!(
        helper.exists(),
        "{} is missing: `cargo test` builds it, or `cargo build --example peak_rss`",
        helper.display()
    );
    helper
}

impl TestEnv {
    /// The binary with these arguments, started through examples/peak_rss, which writes its
    /// peak resident set (KiB) to `figure` when it exits.
    pub fn cmd_measured(&self, args: &[&str], figure: &Path) -> Cmd {
        let figure = figure.display().to_string();
        let mut measured = vec!["--out", figure.as_str(), BIN];
        measured.extend_from_slice(args);
        self.cmd_of(&peak_rss_helper(), &measured)
    }
}

#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn success(&self) -> &Self {
        assert_eq!(
            self.code,
            Some(modal_setup::Exit::Ok as i32),
            "expected success:\n{self:#?}"
        );
        self
    }

    #[track_caller]
    pub fn code(&self, exit: modal_setup::Exit) -> &Self {
        assert_eq!(
            self.code,
            Some(exit as i32),
            "expected {exit:?}:\n{self:#?}"
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}:\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stdout_has(&self, text: &str) -> &Self {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}:\n{}",
            self.stdout
        );
        self
    }

    #[track_caller]
    pub fn stdout_is(&self, text: &str) -> &Self {
        assert_eq!(self.stdout, text, "stderr:\n{}", self.stderr);
        self
    }
}

/// A test environment whose config holds one valid token of `server`, in profile `ws`, with
/// MODAL_SERVER_URL pointing at it: the token, its id and secret.
pub fn with_token(server: &TestServer) -> (TestEnv, String, String) {
    let (id, secret) = server.mint_token();
    let mut t = TestEnv::new();
    t.set_env("MODAL_SERVER_URL", server.url());
    t.write(&format!(
        "[ws]\ntoken_id = \"{id}\"\ntoken_secret = \"{secret}\"\nactive = true\n",
    ));
    (t, id, secret)
}

/// The reference server, with the calls a test expects: checked when it is dropped.
pub struct TestServer {
    pub server: ReferenceServer,
    expected: Vec<(&'static str, usize)>,
}

impl TestServer {
    pub fn start() -> Self {
        Self::with(Options::default())
    }

    pub fn with(options: Options) -> Self {
        Self {
            server: ReferenceServer::start(options).expect("start the reference server"),
            expected: Vec::new(),
        }
    }

    /// The API's URL: the MODAL_SERVER_URL for the CLI.
    pub fn url(&self) -> &str {
        self.server.api_url()
    }

    /// The test fails unless exactly `times` calls of `rpc` arrive.
    pub fn expect(&mut self, rpc: &'static str, times: usize) {
        self.expected.push((rpc, times));
    }

    pub fn count(&self, rpc: &str) -> usize {
        self.server.count(rpc)
    }

    /// Mints a valid token of the server's workspace.
    pub fn mint_token(&self) -> (String, String) {
        self.server.mint_token()
    }
}

impl std::ops::Deref for TestServer {
    type Target = ReferenceServer;

    fn deref(&self) -> &ReferenceServer {
        &self.server
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        for (rpc, times) in &self.expected {
            let seen = self.count(rpc);
            assert_eq!(
                seen, *times,
                "expected {times} call(s) of {rpc}, the server saw {seen}"
            );
        }
    }
}

/// The names of the temp files (`*.tmp`) in a directory: what a killed writer leaves behind.
pub fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".tmp"))
        .collect()
}

/// `http://127.0.0.1:PORT` on a port where nothing listens (bound, then released).
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port())
}

/// Makes a file private as modal-setup leaves it (0600, or an owner-only access list).
pub fn make_private(path: &Path) {
    modal_setup::platform::make_private(path).expect("make the file private");
}

/// The permission bits of a file.
#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o7777
}

/// An HTTP CONNECT proxy on 127.0.0.1 for the tests: it tunnels every CONNECT to `target`,
/// whatever host it names (so a name that resolves nowhere reaches the reference server), or
/// refuses every one with `refuse`. It records the request lines it received.
pub struct ConnectProxy {
    pub url: String,
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl ConnectProxy {
    pub fn start(target: std::net::SocketAddr, refuse: Option<u16>) -> Self {
        use std::io::{BufRead, BufReader};
        let (url, seen) = serve_each("http", move |client, record| {
            let mut reader = BufReader::new(client.try_clone().unwrap());
            let mut first = String::new();
            let _ = reader.read_line(&mut first);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            record.lock().unwrap().push(first.trim_end().to_owned());
            let mut client = client;
            if let Some(status) = refuse {
                let _ = write!(
                    client,
                    "HTTP/1.1 {status} Refused\r\nContent-Length: 0\r\n\r\n"
                );
                return;
            }
            let Ok(mut upstream) = std::net::TcpStream::connect(target) else {
                let _ = write!(client, "HTTP/1.1 502 Bad Gateway\r\n\r\n");
                return;
            };
            // An HTTP/2 server speaks first (SETTINGS): send its first bytes in the
            // same write as the answer, as a busy proxy may, so that a client which
            // reads past the answer's blank line loses them every time.
            let mut first = vec![0u8; 4096];
            let _ = upstream.set_read_timeout(Some(std::time::Duration::from_millis(500)));
            let n = std::io::Read::read(&mut upstream, &mut first).unwrap_or(0);
            let _ = upstream.set_read_timeout(None);
            let mut answer = b"HTTP/1.1 200 Connection established\r\n\r\n".to_vec();
            answer.extend_from_slice(&first[..n]);
            let _ = client.write_all(&answer);
            relay(client, upstream);
        });
        Self { url, seen }
    }

    /// The request lines received so far, e.g. `CONNECT host:443 HTTP/1.1`.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// A SOCKS5 proxy on 127.0.0.1 (RFC 1928, no authentication) that connects every request to
/// `target`, whatever address it names (so a name that resolves nowhere reaches the reference
/// server, as through `socks5h://`). It records the destinations asked for, as `host:port`
/// (a name when the client left resolving to the proxy, an address when it resolved it).
pub struct Socks5Proxy {
    pub url: String,
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Socks5Proxy {
    pub fn start(target: std::net::SocketAddr) -> Self {
        use std::io::Read;
        let (url, seen) = serve_each("socks5h", move |client, record| {
            let mut client = client;
            let read = |client: &mut std::net::TcpStream, n: usize| {
                let mut buf = vec![0u8; n];
                client.read_exact(&mut buf).map(|()| buf)
            };
            // Greeting: VER NMETHODS METHODS…; answer "no authentication".
            let Ok(head) = read(&mut client, 2) else {
                return;
            };
            if read(&mut client, usize::from(head[1])).is_err()
                || client.write_all(&[5, 0]).is_err()
            {
                return;
            }
            let Ok(request) = read(&mut client, 4) else {
                return;
            };
            let host = match request[3] {
                1 => read(&mut client, 4).map(|a| format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])),
                3 => read(&mut client, 1)
                    .and_then(|len| read(&mut client, usize::from(len[0])))
                    .map(|name| String::from_utf8_lossy(&name).into_owned()),
                4 => read(&mut client, 16).map(|a| {
                    let bytes: [u8; 16] = a.try_into().unwrap();
                    format!("[{}]", std::net::Ipv6Addr::from(bytes))
                }),
                _ => return,
            };
            let (Ok(host), Ok(port)) = (host, read(&mut client, 2)) else {
                return;
            };
            let port = u16::from_be_bytes([port[0], port[1]]);
            record.lock().unwrap().push(format!("{host}:{port}"));
            let Ok(upstream) = std::net::TcpStream::connect(target) else {
                let _ = client.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]);
                return;
            };
            if client.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0]).is_err() {
                return;
            }
            relay(client, upstream);
        });
        Self { url, seen }
    }

    /// The destinations asked for so far.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// A listener on 127.0.0.1 that runs `handle` for every connection on a thread of its own,
/// with a list to record what it saw. Returns its URL (`scheme://127.0.0.1:port`) and the list.
fn serve_each(
    scheme: &str,
    handle: impl Fn(std::net::TcpStream, &std::sync::Mutex<Vec<String>>) + Send + Sync + 'static,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("{scheme}://{}", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = std::sync::Arc::clone(&seen);
    let handle = std::sync::Arc::new(handle);
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let (record, handle) = (
                std::sync::Arc::clone(&record),
                std::sync::Arc::clone(&handle),
            );
            std::thread::spawn(move || handle(client, &record));
        }
    });
    (url, seen)
}

/// Copies bytes both ways between a proxy's client and the server until both ends close.
fn relay(client: std::net::TcpStream, upstream: std::net::TcpStream) {
    let (mut client_read, mut upstream_write) =
        (client.try_clone().unwrap(), upstream.try_clone().unwrap());
    let forward = std::thread::spawn(move || {
        let _ = std::io::copy(&mut client_read, &mut upstream_write);
        let _ = upstream_write.shutdown(std::net::Shutdown::Write);
    });
    let (mut upstream_read, mut client_write) = (upstream, client);
    let _ = std::io::copy(&mut upstream_read, &mut client_write);
    let _ = client_write.shutdown(std::net::Shutdown::Write);
    let _ = forward.join();
}

/// `token set --id ID --secret SECRET` and the flags the tests add to it again and again.
pub struct TokenSet<'a> {
    env: &'a TestEnv,
    args: Vec<String>,
}

impl TestEnv {
    pub fn token_set(&self, id: &str, secret: &str) -> TokenSet<'_> {
        TokenSet {
            env: self,
            args: ["token", "set", "--id", id, "--secret", secret]
                .map(str::to_owned)
                .to_vec(),
        }
    }
}

impl TokenSet<'_> {
    pub fn profile(self, name: &str) -> Self {
        self.arg("--profile").arg(name)
    }

    pub fn no_verify(self) -> Self {
        self.arg("--no-verify")
    }

    pub fn no_activate(self) -> Self {
        self.arg("--no-activate")
    }

    pub fn arg(mut self, arg: &str) -> Self {
        self.args.push(arg.to_owned());
        self
    }

    pub fn cmd(self) -> Cmd {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        self.env.cmd(&args)
    }

    pub fn run(self) -> Run {
        self.cmd().run()
    }
}

/// Sends keys the way a person types them, once the program is listening for them:
/// dialoguer reads each key in raw mode, so the keys go once the terminal (seen from the
/// pseudo-terminal's master side) has left line mode.
#[cfg(unix)]
pub fn press(session: &mut rexpect::session::PtySession, keys: &str) {
    when_terminal(session, |mode| mode.c_lflag & libc::ICANON == 0);
    session.send(keys).unwrap();
    session.flush().unwrap();
}

/// Types a line at a hidden prompt once it hides what is typed (echo off). rexpect starts the
/// terminal with echo off, so the test turns it on before the program starts.
#[cfg(unix)]
pub fn type_hidden(session: &mut rexpect::session::PtySession, line: &str) {
    when_terminal(session, |mode| mode.c_lflag & libc::ECHO == 0);
    session.send_line(line).unwrap();
}

/// Waits until the terminal's settings satisfy `ready` (a hang guard ends the test).
#[cfg(unix)]
fn when_terminal(session: &rexpect::session::PtySession, ready: impl Fn(&libc::termios) -> bool) {
    use std::os::fd::AsRawFd;
    let pty = session.process().get_file_handle().expect("the pty");
    let started = std::time::Instant::now();
    loop {
        // SAFETY: termios is plain data; tcgetattr fills it for a valid descriptor.
        let mut mode: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(pty.as_raw_fd(), &mut mode) } == 0 && ready(&mode) {
            return;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the program never listened for keys"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// Starts the command. Under Wine, CreateProcess now and then fails with
/// ERROR_INTERNAL_ERROR (1359) when many processes start at once (seen in CI, in a test that
/// passed on the runs before and after): that is tried again, a few times; any other failure
/// ends the test.
fn start(command: &mut Command) -> std::process::Child {
    let mut tries = 0;
    loop {
        match command.spawn() {
            Err(e) if cfg!(windows) && e.raw_os_error() == Some(1359) && tries < 3 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            started => return started.expect("start modal-setup"),
        }
    }
}

//! A thin blocking TCP transport over the sans-IO cores: frame reading with
//! bounds checked on the header, a handshake deadline, alerts on failure,
//! and a bidirectional pump (input → peer, peer → output) for the CLI.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::error::{DecodeProblem, Error, Result};
use crate::handshake::{
    Config, Initiator, InitiatorOutput, ReplayCache, Responder, ResponderOutput,
};
use crate::messages::{HEADER_LEN, alert_frame, parse_header};
use crate::record::{Event, Session};
use crate::wire::{err, now_ms};

/// Default handshake deadline.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Reads one frame: `Ok(None)` on a clean end of stream before a header.
/// The header's bounds are checked before the body is read.
pub fn read_frame(r: &mut impl Read) -> Result<Option<Vec<u8>>> {
    let mut header = [0u8; HEADER_LEN];
    let mut got = 0;
    while got < HEADER_LEN {
        match r.read(&mut header[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => return Err(err("frame header", DecodeProblem::Truncated)),
            Ok(n) => got += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    let (_, total) = parse_header(&header)?.expect("full header");
    let mut frame = vec![0u8; total];
    frame[..HEADER_LEN].copy_from_slice(&header);
    r.read_exact(&mut frame[HEADER_LEN..])
        .map_err(|e| match e.kind() {
            ErrorKind::UnexpectedEof => err("frame", DecodeProblem::Truncated),
            _ => e.into(),
        })?;
    Ok(Some(frame))
}

/// An established connection.
pub struct Connection {
    stream: TcpStream,
    session: Session,
}

fn next_frame(stream: &mut TcpStream) -> Result<Vec<u8>> {
    read_frame(stream)?.ok_or(Error::Io(
        "peer closed the connection during the handshake".into(),
    ))
}

/// Best effort: tell the peer why we abort.
fn abort(stream: &mut TcpStream, e: Error) -> Error {
    if !matches!(e, Error::PeerAlert(_) | Error::Io(_) | Error::Timeout) {
        let _ = stream.write_all(&alert_frame(&e));
    }
    let _ = stream.shutdown(Shutdown::Both);
    e
}

impl Connection {
    /// Runs the initiator's handshake over `stream`.
    pub fn initiate(mut stream: TcpStream, cfg: Config, timeout: Duration) -> Result<Connection> {
        stream.set_read_timeout(Some(timeout))?;
        stream.set_nodelay(true)?;
        let r = (|| {
            let (mut init, offer) = Initiator::new(cfg, now_ms())?;
            stream.write_all(&offer)?;
            loop {
                let f = next_frame(&mut stream)?;
                match init.receive(&f, now_ms())? {
                    InitiatorOutput::Send(o) => stream.write_all(&o)?,
                    InitiatorOutput::Established { finish, session } => {
                        stream.write_all(&finish)?;
                        return Ok(*session);
                    }
                }
            }
        })();
        match r {
            Ok(session) => {
                stream.set_read_timeout(None)?;
                Ok(Connection { stream, session })
            }
            Err(e) => Err(abort(&mut stream, e)),
        }
    }

    /// Runs the responder's handshake over `stream`.
    pub fn respond(
        mut stream: TcpStream,
        cfg: Config,
        replay: Arc<ReplayCache>,
        timeout: Duration,
    ) -> Result<Connection> {
        stream.set_read_timeout(Some(timeout))?;
        stream.set_nodelay(true)?;
        let r = (|| {
            let mut resp = Responder::new(cfg, replay);
            loop {
                let f = next_frame(&mut stream)?;
                match resp.receive(&f, now_ms())? {
                    ResponderOutput::Send(o) => stream.write_all(&o)?,
                    ResponderOutput::Established(session) => return Ok(*session),
                }
            }
        })();
        match r {
            Ok(session) => {
                stream.set_read_timeout(None)?;
                Ok(Connection { stream, session })
            }
            Err(e) => Err(abort(&mut stream, e)),
        }
    }

    /// The session.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Sends everything from `input` to the peer and writes everything the
    /// peer sends to `output`, until both directions are closed: our side
    /// with an authenticated close at the end of `input`, the peer's with
    /// its close. Returns (bytes sent, bytes received).
    pub fn pump(
        self,
        mut input: impl Read + Send + 'static,
        output: &mut impl Write,
    ) -> Result<(u64, u64)> {
        let Connection { stream, session } = self;
        let session = Arc::new(Mutex::new(session));
        let writer = Arc::new(Mutex::new(stream.try_clone()?));
        fn flush(s: &mut Session, w: &Mutex<TcpStream>) -> Result<()> {
            let out = s.take_output();
            if !out.is_empty() {
                w.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .write_all(&out)?;
            }
            Ok(())
        }
        {
            let (s_session, s_writer) = (session.clone(), writer.clone());
            let sender = std::thread::spawn(move || -> Result<u64> {
                let (session, writer) = (s_session, s_writer);
                let mut buf = vec![0u8; 64 * 1024];
                let mut total = 0u64;
                loop {
                    let n = match input.read(&mut buf) {
                        Ok(n) => n,
                        Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e.into()),
                    };
                    let mut s = session.lock().unwrap_or_else(|p| p.into_inner());
                    if n == 0 {
                        s.close(now_ms())?;
                        flush(&mut s, &writer)?;
                        return Ok(total);
                    }
                    s.send(&buf[..n], now_ms())?;
                    flush(&mut s, &writer)?;
                    total += n as u64;
                }
            });
            let mut reader = stream;
            let mut received = 0u64;
            let recv_result = loop {
                let frame = match read_frame(&mut reader) {
                    Ok(Some(f)) => f,
                    Ok(None) => {
                        break session
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .end_of_stream();
                    }
                    Err(e) => break Err(e),
                };
                let mut s = session.lock().unwrap_or_else(|p| p.into_inner());
                let ev = match s.receive(&frame, now_ms()) {
                    Ok(ev) => ev,
                    Err(e) => break Err(e),
                };
                if let Err(e) = flush(&mut s, &writer) {
                    break Err(e);
                }
                drop(s);
                match ev {
                    Event::Data(d) => {
                        received += d.len() as u64;
                        if let Err(e) = output.write_all(&d).and_then(|_| output.flush()) {
                            break Err(e.into());
                        }
                    }
                    Event::Closed => break Ok(()),
                    Event::KeyUpdated | Event::AeadSwitched(_) => {}
                }
            };
            if recv_result.is_err() {
                // The sender may be blocked on input: leave it, and cut the socket under it.
                let _ = reader.shutdown(Shutdown::Both);
                recv_result?;
            }
            let sent = sender
                .join()
                .map_err(|_| Error::Io("sender thread panicked".into()))??;
            let _ = reader.shutdown(Shutdown::Both);
            Ok((sent, received))
        }
    }
}

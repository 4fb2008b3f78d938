//! A thin blocking TCP transport over the sans-IO cores: frame reading with
//! bounds checked on the header, a handshake deadline, alerts on failure,
//! a bidirectional pump (input → peer, peer → output) for the CLI, and a
//! single-threaded record loop ([`Connection::serve`]) for servers.
//! [`crate::server`] accepts many connections on top of it.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::{DecodeProblem, Error, Result};
use crate::handshake::{
    Config, Initiator, InitiatorOutput, ReplayCache, Responder, ResponderOutput,
};
use crate::messages::{HEADER_LEN, alert_frame, parse_header};
use crate::record::{Event, Session};
use crate::v2x::{AwaitingResponse, EdgeWarrant, frames};
use crate::wire::{err, now_ms};

/// Default handshake deadline.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Reads one frame: `Ok(None)` on a clean end of stream before a header.
/// The header's bounds are checked before the body is read, and the body's
/// buffer grows with what arrives: a peer that announces a large frame and
/// stalls costs only the bytes it actually sent.
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
    let body = (total - HEADER_LEN) as u64;
    let mut frame = Vec::with_capacity(total.min(16 * 1024 + HEADER_LEN));
    frame.extend_from_slice(&header);
    if r.by_ref().take(body).read_to_end(&mut frame)? as u64 != body {
        return Err(err("frame", DecodeProblem::Truncated));
    }
    Ok(Some(frame))
}

/// Reads that share one deadline: each read may wait only for the time
/// left, so a peer trickling bytes cannot stretch the handshake.
struct Deadline<'a> {
    stream: &'a TcpStream,
    at: Instant,
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.at.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        (&mut &*self.stream).read(buf)
    }
}

/// A read or write timeout in the session phase is the idle limit, not the
/// handshake deadline: say so.
fn idle_error(e: Error) -> Error {
    match e {
        Error::Timeout => Error::Io("the peer was idle for longer than the idle timeout".into()),
        e => e,
    }
}

/// An established connection.
pub struct Connection {
    stream: TcpStream,
    session: Session,
}

fn next_frame(r: &mut impl Read) -> Result<Vec<u8>> {
    read_frame(r)?.ok_or(Error::Io(
        "peer closed the connection during the handshake".into(),
    ))
}

/// The frames of one handshake: reads share one deadline, writes are
/// bounded by the write timeout. Given to [`Connection::establish`]'s closure.
pub struct HandshakeIo<'a> {
    reader: Deadline<'a>,
    writer: &'a TcpStream,
}

impl HandshakeIo<'_> {
    /// The next frame; an error if the peer closes or the deadline passes.
    pub fn next_frame(&mut self) -> Result<Vec<u8>> {
        next_frame(&mut self.reader)
    }

    /// Sends `bytes` (whole frames).
    pub fn send(&mut self, bytes: &[u8]) -> Result<()> {
        Ok((&mut &*self.writer).write_all(bytes)?)
    }
}

/// Runs one side of a handshake on `stream` with every read under one
/// deadline `timeout` from now (writes: each at most `timeout`), and
/// alerts the peer on failure.
fn handshake(
    mut stream: TcpStream,
    timeout: Duration,
    run: impl FnOnce(&mut HandshakeIo) -> Result<Session>,
) -> Result<Connection> {
    let r = (|| {
        stream.set_nodelay(true)?;
        stream.set_write_timeout(Some(timeout))?;
        let mut io = HandshakeIo {
            reader: Deadline {
                stream: &stream,
                at: Instant::now() + timeout,
            },
            writer: &stream,
        };
        let session = run(&mut io)?;
        stream.set_read_timeout(None)?;
        stream.set_write_timeout(None)?;
        Ok(session)
    })();
    match r {
        Ok(session) => Ok(Connection { stream, session }),
        Err(e) => Err(abort(&mut stream, e)),
    }
}

/// Best effort: tell the peer why we abort (a missed deadline too: the
/// write cannot block, it is bounded by the write timeout).
fn abort(stream: &mut TcpStream, e: Error) -> Error {
    if !matches!(e, Error::PeerAlert(_) | Error::Io(_)) {
        let _ = stream.write_all(&alert_frame(&e));
    }
    let _ = stream.shutdown(Shutdown::Both);
    e
}

impl Connection {
    /// Runs the initiator's handshake over `stream`, within `timeout`.
    pub fn initiate(stream: TcpStream, cfg: Config, timeout: Duration) -> Result<Connection> {
        handshake(stream, timeout, |io| {
            let (mut init, offer) = Initiator::new(cfg, now_ms())?;
            io.send(&offer)?;
            loop {
                let f = io.next_frame()?;
                match init.receive(&f, now_ms())? {
                    InitiatorOutput::Send(o) => io.send(&o)?,
                    InitiatorOutput::Established { finish, session } => {
                        io.send(&finish)?;
                        return Ok(*session);
                    }
                }
            }
        })
    }

    /// Runs the responder's handshake over `stream`, within `timeout`.
    pub fn respond(
        stream: TcpStream,
        cfg: Config,
        replay: Arc<ReplayCache>,
        timeout: Duration,
    ) -> Result<Connection> {
        handshake(stream, timeout, |io| {
            let mut resp = Responder::new(cfg, replay);
            loop {
                let f = io.next_frame()?;
                match resp.receive(&f, now_ms())? {
                    ResponderOutput::Send(o) => io.send(&o)?,
                    ResponderOutput::Established(session) => return Ok(*session),
                }
            }
        })
    }

    /// Runs another handshake over `stream` (the vehicle-to-edge one, or an
    /// embedder's): `run` exchanges frames through [`HandshakeIo`], every
    /// read within `timeout` from now, and returns the session. On failure
    /// the peer gets an alert frame and the connection is shut.
    pub fn establish(
        stream: TcpStream,
        timeout: Duration,
        run: impl FnOnce(&mut HandshakeIo) -> Result<Session>,
    ) -> Result<Connection> {
        handshake(stream, timeout, run)
    }

    /// Asks the edge at the other end of `stream` for its warrant (before a
    /// handover on the same stream; the warrant is checked by
    /// [`crate::v2x::Vehicle::prepare`]). Waits at most `timeout`.
    pub fn fetch_warrant(stream: &TcpStream, timeout: Duration) -> Result<EdgeWarrant> {
        stream.set_nodelay(true)?;
        stream.set_write_timeout(Some(timeout))?;
        (&mut &*stream).write_all(&frames::warrant_request_frame())?;
        let mut reader = Deadline {
            stream,
            at: Instant::now() + timeout,
        };
        let frame = next_frame(&mut reader)?;
        frames::decode_warrant_frame(&frame)
    }

    /// The vehicle's side of a handover on `stream`: sends `request` (a
    /// finalized [`crate::v2x::PreparedRequest`]), verifies the edge's
    /// response and acknowledges it, all within `timeout`. Any other
    /// session the vehicle holds is untouched, whatever happens here.
    pub fn hand_over(
        stream: TcpStream,
        request: &[u8],
        awaiting: AwaitingResponse,
        timeout: Duration,
    ) -> Result<Connection> {
        handshake(stream, timeout, |io| {
            io.send(request)?;
            let (ack, session) = awaiting.receive_response(&io.next_frame()?, now_ms())?;
            io.send(&ack)?;
            Ok(session)
        })
    }

    /// Limits how long one read or write of the session may wait
    /// (`None`: forever, the default after the handshake).
    pub fn set_idle_timeout(&self, idle: Option<Duration>) -> Result<()> {
        self.stream.set_read_timeout(idle)?;
        self.stream.set_write_timeout(idle)?;
        Ok(())
    }

    /// The stream and the session, for a caller that drives the records itself.
    pub fn into_parts(self) -> (TcpStream, Session) {
        (self.stream, self.session)
    }

    /// Closes the session (authenticated) and the connection.
    pub fn close(self) -> Result<()> {
        let Connection {
            mut stream,
            mut session,
        } = self;
        session.close(now_ms())?;
        let r = stream.write_all(&session.take_output());
        let _ = stream.shutdown(Shutdown::Both);
        r.map_err(|e| idle_error(e.into()))
    }

    /// Serves the peer from the calling thread alone: each data record is
    /// handed to `on_data`, which may queue replies on the session; they are
    /// written before the next record is read, so memory stays at one
    /// record in and its replies out. When the peer closes, we answer with
    /// our close. Returns the bytes received.
    pub fn serve(
        self,
        mut on_data: impl FnMut(&mut Session, &[u8], u64) -> Result<()>,
    ) -> Result<u64> {
        let Connection {
            mut stream,
            mut session,
        } = self;
        let mut received = 0u64;
        let r = (|| loop {
            let Some(frame) = read_frame(&mut stream)? else {
                session.end_of_stream()?;
                return Ok(received);
            };
            let now = now_ms();
            let event = session.receive(&frame, now)?;
            let closed = matches!(event, Event::Closed);
            match event {
                Event::Data(d) => {
                    received += d.len() as u64;
                    on_data(&mut session, &d, now)?;
                }
                Event::Closed => session.close(now)?,
                Event::KeyUpdated | Event::AeadSwitched(_) => {}
            }
            let out = session.take_output();
            if !out.is_empty() {
                stream.write_all(&out)?;
            }
            if closed {
                return Ok(received);
            }
        })();
        match r {
            Ok(n) => {
                let _ = stream.shutdown(Shutdown::Both);
                Ok(n)
            }
            Err(e) => Err(abort(&mut stream, idle_error(e))),
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
                recv_result.map_err(idle_error)?;
            }
            let sent = sender
                .join()
                .map_err(|_| Error::Io("sender thread panicked".into()))?
                .map_err(idle_error)?;
            let _ = reader.shutdown(Shutdown::Both);
            Ok((sent, received))
        }
    }
}

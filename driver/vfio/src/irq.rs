//! The card's MSI as an eventfd: VFIO signals it, the bus waits on it.

use std::io;
use std::os::fd::AsRawFd;
use std::time::Duration;

use vmm_sys_util::eventfd::EventFd;

/// An eventfd that `VFIO_DEVICE_SET_IRQS` ties to the card's MSI vector.
#[derive(Debug)]
pub struct MsiEvent {
    fd: EventFd,
}

impl MsiEvent {
    /// A new non-blocking eventfd.
    pub fn new() -> io::Result<MsiEvent> {
        Ok(MsiEvent {
            fd: EventFd::new(libc::EFD_NONBLOCK | libc::EFD_CLOEXEC)?,
        })
    }

    /// The eventfd, to hand to VFIO.
    pub fn eventfd(&self) -> &EventFd {
        &self.fd
    }

    /// Waits up to `max` for an interrupt; returns whether one came, and
    /// consumes it. A signal that interrupts the wait counts as a spurious
    /// early return (`Ok(false)`).
    pub fn wait(&self, max: Duration) -> io::Result<bool> {
        let mut pollfd = libc::pollfd {
            fd: self.fd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let timeout = libc::timespec {
            tv_sec: libc::time_t::try_from(max.as_secs()).unwrap_or(libc::time_t::MAX),
            tv_nsec: libc::c_long::from(max.subsec_nanos() as i32),
        };
        // SAFETY: `pollfd` and `timeout` are live locals for the call, the
        // count is 1, and a null signal mask keeps the current one.
        let ready = unsafe { libc::ppoll(&mut pollfd, 1, &timeout, std::ptr::null()) };
        if ready < 0 {
            let err = io::Error::last_os_error();
            return if err.kind() == io::ErrorKind::Interrupted {
                Ok(false)
            } else {
                Err(err)
            };
        }
        if ready == 0 || pollfd.revents & libc::POLLIN == 0 {
            return Ok(false);
        }
        match self.fd.read() {
            Ok(_) => Ok(true),
            // Another reader took it first: still an interrupt that came.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(true),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn no_interrupt_times_out_after_the_limit() {
        let irq = MsiEvent::new().unwrap();
        let start = Instant::now();
        assert!(!irq.wait(Duration::from_millis(20)).unwrap());
        assert!(start.elapsed() >= Duration::from_millis(20));
    }

    #[test]
    fn a_signalled_interrupt_returns_at_once_and_is_consumed() {
        let irq = MsiEvent::new().unwrap();
        irq.eventfd().write(1).unwrap();
        irq.eventfd().write(1).unwrap();
        assert!(irq.wait(Duration::from_secs(60)).unwrap());
        // both signals were consumed by the one wait
        assert!(!irq.wait(Duration::ZERO).unwrap());
    }

    #[test]
    fn an_interrupt_from_another_thread_ends_the_wait() {
        let irq = MsiEvent::new().unwrap();
        let fd = irq.eventfd().try_clone().unwrap();
        let signaller = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(10));
            fd.write(1).unwrap();
        });
        assert!(irq.wait(Duration::from_secs(60)).unwrap());
        signaller.join().unwrap();
    }
}

//! Connections: what every request knows of its own, and the bound on how
//! many are open at once.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex};
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::sync::Notify;

use crate::app::lock;

/// Connection information given to every request: the peer address (admin endpoints are
/// loopback-only) and a duplicate handle of the TCP socket, used by fault injection to
/// close the connection without answering.
#[derive(Clone, Debug)]
pub struct SimConn {
    pub peer: SocketAddr,
    socket: Option<Arc<std::net::TcpStream>>,
}

impl SimConn {
    /// The connection of an accepted `stream`. On Unix it keeps a duplicate of the
    /// socket's file descriptor (none if the process is out of descriptors).
    pub fn new(stream: &tokio::net::TcpStream, peer: SocketAddr) -> SimConn {
        #[cfg(unix)]
        let socket = {
            use std::os::fd::AsFd;
            stream
                .as_fd()
                .try_clone_to_owned()
                .ok()
                .map(|fd| Arc::new(std::net::TcpStream::from(fd)))
        };
        #[cfg(not(unix))]
        let socket = {
            let _ = stream;
            None
        };
        SimConn { peer, socket }
    }

    /// Shuts the connection down in both directions. The client sees the connection
    /// close (FIN) with no response bytes; hyper's later attempt to write the response
    /// fails with EPIPE and it drops the connection.
    pub fn abort(&self) {
        if let Some(socket) = &self.socket {
            let _ = socket.shutdown(std::net::Shutdown::Both);
        }
    }

    pub fn is_loopback(&self) -> bool {
        self.peer.ip().to_canonical().is_loopback()
    }
}

/// The open connections, so that idle ones can make room for new clients.
///
/// A connection is *waiting* while it has no request in hand: from the moment it is
/// accepted, and again after each answer has been sent, until a complete request head
/// has arrived. When `max` connections are open, or the process has run out of file
/// descriptors, the connection that has been waiting longest is closed: a client that
/// opens connections and never finishes a request cannot keep others out. Connections
/// busy with a request are never closed this way.
pub struct Connections {
    max: usize,
    epoch: Instant,
    next_id: AtomicU64,
    open: StdMutex<BTreeMap<u64, Arc<Slot>>>,
    /// Signalled when a connection closes or starts waiting.
    changed: Notify,
}

/// One open connection.
pub struct Slot {
    /// When it started waiting, in milliseconds since [`Connections::epoch`] plus one;
    /// 0 while it is busy with a request.
    waiting_since: AtomicU64,
    evict: Notify,
}

impl Slot {
    /// Completes when the connection is to be closed to make room.
    pub async fn evicted(&self) {
        self.evict.notified().await
    }
}

impl Connections {
    pub fn new(max: usize) -> Arc<Connections> {
        Arc::new(Connections {
            max: max.max(1),
            epoch: Instant::now(),
            next_id: AtomicU64::new(0),
            open: StdMutex::new(BTreeMap::new()),
            changed: Notify::new(),
        })
    }

    fn now_stamp(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX - 1) + 1
    }

    /// How many connections are open (not counting those already told to close).
    pub fn len(&self) -> usize {
        lock(&self.open).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Registers a newly accepted connection, waiting for its first request. It stays
    /// registered until the returned guard is dropped.
    pub fn open(self: &Arc<Self>) -> OpenConn {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let slot = Arc::new(Slot {
            waiting_since: AtomicU64::new(self.now_stamp()),
            evict: Notify::new(),
        });
        lock(&self.open).insert(id, slot.clone());
        OpenConn {
            connections: self.clone(),
            id,
            slot,
        }
    }

    /// Tells the connection that has been waiting longest to close, and stops counting
    /// it. False when every open connection is busy with a request.
    pub fn evict_oldest_waiting(&self) -> bool {
        let mut open = lock(&self.open);
        let oldest = open
            .iter()
            .filter_map(|(id, slot)| {
                let since = slot.waiting_since.load(Ordering::Relaxed);
                (since != 0).then_some((since, *id))
            })
            .min();
        let Some((_, id)) = oldest else {
            return false;
        };
        if let Some(slot) = open.remove(&id) {
            slot.evict.notify_one();
        }
        tracing::debug!(
            open = open.len(),
            "closed the connection that waited longest for a request, to make room"
        );
        true
    }

    /// Returns once fewer than `max` connections are open, closing the one that has
    /// waited longest for a request if need be; if every connection is busy, waits
    /// until one closes or finishes its request.
    pub async fn make_room(&self) {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if self.len() < self.max || self.evict_oldest_waiting() {
                return;
            }
            changed.await;
        }
    }
}

/// An open connection's registration; dropping it unregisters the connection.
pub struct OpenConn {
    connections: Arc<Connections>,
    id: u64,
    slot: Arc<Slot>,
}

impl OpenConn {
    pub fn slot(&self) -> &Arc<Slot> {
        &self.slot
    }

    /// Marks the connection busy with a request until the returned guard is dropped
    /// (which a [`Tracked`] answer body does once it has been sent).
    pub fn busy(&self) -> Busy {
        self.slot.waiting_since.store(0, Ordering::Relaxed);
        Busy {
            connections: self.connections.clone(),
            slot: self.slot.clone(),
        }
    }
}

impl Drop for OpenConn {
    fn drop(&mut self) {
        lock(&self.connections.open).remove(&self.id);
        self.connections.changed.notify_waiters();
    }
}

/// A request in hand; dropping it makes the connection wait for the next one.
pub struct Busy {
    connections: Arc<Connections>,
    slot: Arc<Slot>,
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.slot
            .waiting_since
            .store(self.connections.now_stamp(), Ordering::Relaxed);
        self.connections.changed.notify_waiters();
    }
}

/// An answer's body that keeps its connection [`Busy`] until it has been sent (or
/// dropped).
pub struct Tracked<B> {
    inner: B,
    _busy: Busy,
}

impl<B> Tracked<B> {
    pub fn new(inner: B, busy: Busy) -> Self {
        Tracked { inner, _busy: busy }
    }
}

impl<B: hyper::body::Body + Unpin> hyper::body::Body for Tracked<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_waiting_longest_is_evicted_and_busy_ones_never() {
        let connections = Connections::new(2);
        let first = connections.open();
        std::thread::sleep(std::time::Duration::from_millis(3));
        let second = connections.open();
        assert_eq!(connections.len(), 2);

        // The first is busy: the second, though newer, is the one to go.
        let busy = first.busy();
        assert!(connections.evict_oldest_waiting());
        assert_eq!(connections.len(), 1);
        assert!(
            !connections.evict_oldest_waiting(),
            "only a busy one is left"
        );
        drop(busy);
        assert!(connections.evict_oldest_waiting());
        assert!(connections.is_empty());
        // Dropping evicted connections' registrations is harmless.
        drop((first, second));
        assert!(connections.is_empty());
    }

    #[tokio::test]
    async fn make_room_waits_while_every_connection_is_busy() {
        let connections = Connections::new(1);
        let open = connections.open();
        let busy = open.busy();
        let waiter = {
            let connections = connections.clone();
            tokio::spawn(async move { connections.make_room().await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(!waiter.is_finished());
        // The request is answered: the connection waits, and can be closed.
        drop(busy);
        tokio::time::timeout(std::time::Duration::from_secs(5), waiter)
            .await
            .expect("room made")
            .unwrap();
        assert!(connections.is_empty());
        drop(open);
    }
}

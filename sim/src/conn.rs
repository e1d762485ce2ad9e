//! What every request knows of its connection.

use axum::extract::connect_info::Connected;
use axum::serve::IncomingStream;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Connection information given to every request: the peer address (admin endpoints are
/// loopback-only) and a duplicate handle of the TCP socket, used by fault injection to
/// close the connection without answering.
#[derive(Clone, Debug)]
pub struct SimConn {
    pub peer: SocketAddr,
    socket: Option<Arc<std::net::TcpStream>>,
}

impl SimConn {
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

impl Connected<IncomingStream<'_, TcpListener>> for SimConn {
    fn connect_info(stream: IncomingStream<'_, TcpListener>) -> Self {
        #[cfg(unix)]
        let socket = {
            use std::os::fd::AsFd;
            stream
                .io()
                .as_fd()
                .try_clone_to_owned()
                .ok()
                .map(|fd| Arc::new(std::net::TcpStream::from(fd)))
        };
        #[cfg(not(unix))]
        let socket = None;
        SimConn {
            peer: *stream.remote_addr(),
            socket,
        }
    }
}

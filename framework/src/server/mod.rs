//! The plugin server: go-plugin's handshake, a unix socket (optionally with
//! mutual TLS), and the gRPC services Terraform talks to: the provider, the
//! health check, the controller (shutdown) and the stdio stream.

mod grpc;
pub mod handshake;
mod tls;

use crate::proto::plugin as plugin_pb;
use crate::provider::{Plugin, ProviderDefinition};
use futures::StreamExt;
use std::io::Write;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, watch};
use tonic::transport::server::Connected;
use tonic::{Request, Response, Status};

/// A provider binary's `main`: serves `provider` on a single-threaded
/// runtime (a plugin waits on I/O; threads would only add wake-ups), and
/// says on stderr why it could not.
pub fn run<P: ProviderDefinition>(provider: P) -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(provider)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Runs the provider as a Terraform plugin until Terraform shuts it down.
pub async fn serve<P: ProviderDefinition>(provider: P) -> anyhow::Result<()> {
    handshake::check_cookie(std::env::var(handshake::MAGIC_COOKIE_KEY).ok().as_deref())
        .map_err(anyhow::Error::msg)?;
    handshake::negotiate(std::env::var("PLUGIN_PROTOCOL_VERSIONS").ok().as_deref())
        .map_err(anyhow::Error::msg)?;
    let Socket {
        dir: socket_dir,
        path: socket_path,
        listener,
        tls,
    } = Socket::open::<P>()?;
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let incoming = accept_connections(
        listener,
        tls.as_ref()
            .map(|t| tokio_rustls::TlsAcceptor::from(t.config.clone())),
    );

    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;
    ignore_interrupts();

    // Terraform reads where to connect from the first line on stdout.
    let line = handshake::line(
        "unix",
        &socket_path.to_string_lossy(),
        tls.as_ref().map(|t| t.cert_der.as_slice()),
    );
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()?;
    drop(out);

    let mut wait_shutdown = shutdown_rx.clone();
    routes(
        Arc::new(Plugin::new(provider)),
        health_service,
        shutdown_tx,
        shutdown_rx,
    )
    .serve_with_incoming_shutdown(incoming, async move {
        let _ = wait_shutdown.wait_for(|s| *s).await;
        exit_soon()
    })
    .await?;
    drop(socket_dir);
    Ok(())
}

/// The gRPC services Terraform talks to: the provider, the health check,
/// the controller (shutdown) and the stdio stream.
fn routes<P: ProviderDefinition>(
    provider: Arc<Plugin<P>>,
    health_service: tonic_health::pb::health_server::HealthServer<
        impl tonic_health::pb::health_server::Health,
    >,
    shutdown_tx: watch::Sender<bool>,
    shutdown_rx: watch::Receiver<bool>,
) -> tonic::transport::server::Router {
    tonic::transport::Server::builder()
        .tcp_nodelay(true)
        .add_service(
            crate::proto::tfplugin6::provider_server::ProviderServer::new(
                grpc::ProviderService::new(provider),
            )
            .max_decoding_message_size(256 << 20)
            .max_encoding_message_size(256 << 20),
        )
        .add_service(health_service)
        .add_service(
            plugin_pb::grpc_controller_server::GrpcControllerServer::new(Controller {
                shutdown: shutdown_tx,
            }),
        )
        .add_service(plugin_pb::grpc_stdio_server::GrpcStdioServer::new(Stdio {
            shutdown: shutdown_rx,
        }))
}

/// Where the plugin listens: a unix socket in a directory of its own, and
/// the TLS Terraform asked for, if any.
struct Socket {
    /// Removed when dropped, with the socket.
    dir: tempfile::TempDir,
    path: std::path::PathBuf,
    listener: UnixListener,
    tls: Option<tls::ServerTls>,
}

impl Socket {
    fn open<P: ProviderDefinition>() -> anyhow::Result<Socket> {
        let prefix = format!("{}-", P::TYPE_NAME);
        let dir = match std::env::var_os("PLUGIN_UNIX_SOCKET_DIR") {
            Some(d) => tempfile::Builder::new().prefix(&prefix).tempdir_in(d)?,
            None => tempfile::Builder::new().prefix(&prefix).tempdir()?,
        };
        let path = dir.path().join("plugin.sock");
        let listener = UnixListener::bind(&path)?;
        let tls = match std::env::var("PLUGIN_CLIENT_CERT") {
            Ok(pem) if !pem.trim().is_empty() => Some(tls::server_config(
                &pem,
                &format!("terraform-provider-{}", P::TYPE_NAME),
            )?),
            _ => None,
        };
        Ok(Socket {
            dir,
            path,
            listener,
            tls,
        })
    }
}

/// Terraform handles Ctrl-C itself and then calls StopProvider; like every
/// go-plugin plugin the provider must not die on the interrupt it also
/// receives.
fn ignore_interrupts() {
    tokio::spawn(async {
        let Ok(mut sigint) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        else {
            return;
        };
        while sigint.recv().await.is_some() {
            tracing::debug!("ignoring SIGINT: Terraform will ask the provider to stop");
        }
    });
}

/// After shutdown, in-flight calls get a moment to finish; then the
/// process exits regardless.
fn exit_soon() {
    tokio::spawn(async {
        tokio::time::sleep(Duration::from_secs(2)).await;
        std::process::exit(0);
    });
}

/// Accepted connections, TLS-wrapped when Terraform asked for mutual TLS.
/// Handshakes run in their own tasks so a slow one never blocks others.
fn accept_connections(
    listener: UnixListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
) -> impl futures::Stream<Item = Result<PluginConn, std::io::Error>> {
    let (tx, rx) = mpsc::channel::<Result<PluginConn, std::io::Error>>(16);
    tokio::spawn(async move {
        loop {
            let (stream, _) = match listener.accept().await {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a plugin connection failed");
                    continue;
                }
            };
            let tx = tx.clone();
            match tls.clone() {
                None => {
                    let _ = tx.send(Ok(PluginConn::Plain(stream))).await;
                }
                Some(acceptor) => {
                    tokio::spawn(async move {
                        match acceptor.accept(stream).await {
                            Ok(s) => {
                                let _ = tx.send(Ok(PluginConn::Tls(Box::new(s)))).await;
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "TLS handshake with Terraform failed")
                            }
                        }
                    });
                }
            }
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(rx).boxed()
}

enum PluginConn {
    Plain(UnixStream),
    Tls(Box<tokio_rustls::server::TlsStream<UnixStream>>),
}

impl Connected for PluginConn {
    type ConnectInfo = ();
    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for PluginConn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            PluginConn::Plain(s) => Pin::new(s).poll_read(cx, buf),
            PluginConn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for PluginConn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            PluginConn::Plain(s) => Pin::new(s).poll_write(cx, buf),
            PluginConn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            PluginConn::Plain(s) => Pin::new(s).poll_flush(cx),
            PluginConn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            PluginConn::Plain(s) => Pin::new(s).poll_shutdown(cx),
            PluginConn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// go-plugin's controller: Terraform calls Shutdown when done with us.
struct Controller {
    shutdown: watch::Sender<bool>,
}

#[tonic::async_trait]
impl plugin_pb::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(
        &self,
        _: Request<plugin_pb::Empty>,
    ) -> Result<Response<plugin_pb::Empty>, Status> {
        self.shutdown.send_replace(true);
        Ok(Response::new(plugin_pb::Empty {}))
    }
}

/// go-plugin's stdio stream. Our logs go to stderr directly (Terraform
/// reads it), so the stream carries nothing and ends at shutdown.
struct Stdio {
    shutdown: watch::Receiver<bool>,
}

type StdioStream =
    Pin<Box<dyn futures::Stream<Item = Result<plugin_pb::StdioData, Status>> + Send>>;

#[tonic::async_trait]
impl plugin_pb::grpc_stdio_server::GrpcStdio for Stdio {
    type StreamStdioStream = StdioStream;

    async fn stream_stdio(&self, _: Request<()>) -> Result<Response<StdioStream>, Status> {
        let mut shutdown = self.shutdown.clone();
        let done = async move {
            let _ = shutdown.wait_for(|s| *s).await;
        };
        Ok(Response::new(
            futures::stream::once(done)
                .filter_map(|_| async { None })
                .boxed(),
        ))
    }
}

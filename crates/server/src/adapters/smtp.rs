//! Email over SMTP (lettre): STARTTLS, implicit TLS or plain, with optional credentials.

use async_trait::async_trait;
use cognate_core::ports::delivery::{DeliveryError, MessageSender};
use cognate_core::ports::OutboxMessage;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (submission, port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption (local relays and test servers only).
    None,
}

impl std::str::FromStr for Security {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "starttls" => Ok(Security::StartTls),
            "tls" => Ok(Security::Tls),
            "none" => Ok(Security::None),
            other => Err(format!("invalid SMTP security {other:?}: expected starttls, tls or none")),
        }
    }
}

/// The SMTP sender.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    default_from: String,
}

impl Smtp {
    /// An SMTP sender for `host:port`.
    pub fn new(
        host: &str,
        port: u16,
        security: Security,
        credentials: Option<(String, String)>,
        default_from: &str,
    ) -> anyhow::Result<Self> {
        let builder = match security {
            Security::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
            Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
            Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        };
        let mut builder = builder.port(port).timeout(Some(std::time::Duration::from_secs(15)));
        if let Some((user, password)) = credentials {
            builder = builder.credentials(Credentials::new(user, password));
        }
        Ok(Self { transport: builder.build(), default_from: default_from.to_string() })
    }
}

#[async_trait]
impl MessageSender for Smtp {
    async fn send(&self, m: &OutboxMessage) -> Result<(), DeliveryError> {
        let from = m.sender.as_deref().unwrap_or(&self.default_from);
        let email = Message::builder()
            .from(from.parse().map_err(|e| DeliveryError::Permanent(format!("bad From {from:?}: {e}")))?)
            .to(m.destination.parse().map_err(|e| DeliveryError::Permanent(format!("bad address: {e}")))?)
            .subject(m.subject.clone().unwrap_or_default())
            .message_id(Some(format!("<{}@cognate>", m.id)))
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone())
            .map_err(|e| DeliveryError::Permanent(e.to_string()))?;
        match self.transport.send(email).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(DeliveryError::Permanent(e.to_string())),
            Err(e) => Err(DeliveryError::Transient(e.to_string())),
        }
    }
}

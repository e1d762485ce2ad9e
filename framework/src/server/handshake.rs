//! go-plugin's handshake: the environment Terraform sets for a plugin, and
//! the one line the plugin answers on stdout.

use base64::Engine;

pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// go-plugin's own protocol version (of the handshake, not of Terraform's).
const CORE_PROTOCOL_VERSION: u32 = 1;
/// The Terraform plugin protocol major version we speak.
pub const PROTOCOL_VERSION: u32 = 6;

/// Refuses to run outside Terraform: without the cookie, a user ran the
/// binary by hand.
pub fn check_cookie(value: Option<&str>) -> Result<(), String> {
    if value == Some(MAGIC_COOKIE_VALUE) {
        Ok(())
    } else {
        Err(format!(
            "This binary is a plugin for Terraform and OpenTofu: they start it themselves. \
             It is not meant to be run by hand.\n\
             Install it (see the README) and run `terraform init`, `plan` and `apply`.\n\
             (The environment variable {MAGIC_COOKIE_KEY} is missing or wrong.)"
        ))
    }
}

/// Picks protocol 6 from Terraform's `PLUGIN_PROTOCOL_VERSIONS` ("5,6").
/// An absent list means the client did not negotiate: we offer ours.
pub fn negotiate(versions: Option<&str>) -> Result<u32, String> {
    let Some(list) = versions.filter(|v| !v.trim().is_empty()) else {
        return Ok(PROTOCOL_VERSION);
    };
    if list
        .split(',')
        .any(|v| v.trim().parse::<u32>() == Ok(PROTOCOL_VERSION))
    {
        Ok(PROTOCOL_VERSION)
    } else {
        Err(format!(
            "Terraform offers plugin protocol versions {list}, but this provider speaks only version {PROTOCOL_VERSION}. \
             Use Terraform 1.0 or newer (or OpenTofu)."
        ))
    }
}

/// The handshake line: `1|6|unix|/path/to/socket|grpc|<base64 DER cert>`.
pub fn line(network: &str, address: &str, server_cert_der: Option<&[u8]>) -> String {
    let cert = server_cert_der
        .map(|der| base64::engine::general_purpose::STANDARD_NO_PAD.encode(der))
        .unwrap_or_default();
    format!("{CORE_PROTOCOL_VERSION}|{PROTOCOL_VERSION}|{network}|{address}|grpc|{cert}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_is_required() {
        assert!(check_cookie(Some(MAGIC_COOKIE_VALUE)).is_ok());
        let e = check_cookie(None).unwrap_err();
        assert!(e.contains("plugin for Terraform"));
        assert!(check_cookie(Some("nope")).is_err());
    }

    #[test]
    fn negotiates_six() {
        assert_eq!(negotiate(Some("5,6")), Ok(6));
        assert_eq!(negotiate(Some("6")), Ok(6));
        assert_eq!(negotiate(None), Ok(6));
        assert!(negotiate(Some("4,5"))
            .unwrap_err()
            .contains("only version 6"));
    }

    #[test]
    fn line_format() {
        assert_eq!(
            line("unix", "/tmp/x.sock", None),
            "1|6|unix|/tmp/x.sock|grpc|"
        );
        assert_eq!(
            line("unix", "/s", Some(&[0xff, 0xee])),
            "1|6|unix|/s|grpc|/+4"
        );
    }
}

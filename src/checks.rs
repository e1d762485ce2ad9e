//! Checks on values Cloudflare gives a meaning to, shared by several
//! resources: emails, object ids.

use tfplugin::schema::Check;

pub const EMAIL: Check = Check::Custom {
    allowed: "an email address such as `name@example.com`",
    check: check_email,
};

/// An email address, or `""` where an empty value clears one.
pub const EMAIL_OR_EMPTY: Check = Check::Custom {
    allowed: "an email address such as `name@example.com`, or `\"\"` to clear it",
    check: |s| if s.is_empty() { Ok(()) } else { check_email(s) },
};

fn check_email(s: &str) -> Result<(), String> {
    let ok = s.len() <= 90
        && s.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !s.contains(char::is_whitespace)
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{s:?} is not an email address (expected `name@example.com`, at most 90 characters)"
        ))
    }
}

/// Cloudflare compares email addresses case-insensitively.
pub fn same_email(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Cloudflare's object ids: 32 lowercase hexadecimal characters.
pub const ID32: Check = Check::Custom {
    allowed: "a Cloudflare id: 32 lowercase hexadecimal characters",
    check: |s| {
        if is_id32(s) {
            Ok(())
        } else {
            Err(format!(
                "{s:?} is not a Cloudflare id (expected 32 lowercase hexadecimal characters)"
            ))
        }
    },
};

pub fn is_id32(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_emails() {
        assert!(is_id32("05784afa30c1afe1440e79d9351c7430"));
        assert!(!is_id32("05784AFA30C1AFE1440E79D9351C7430"));
        assert!(!is_id32("abc"));
        let Check::Custom { check, .. } = EMAIL else {
            unreachable!()
        };
        assert!(check("a@b.co").is_ok());
        assert!(check("a@b").is_err());
        assert!(check("a b@c.de").is_err());
        assert!(check("").is_err());
        let Check::Custom { check, .. } = EMAIL_OR_EMPTY else {
            unreachable!()
        };
        assert!(check("").is_ok() && check("a@b.co").is_ok() && check("a@b").is_err());
        assert!(same_email("Ada@Example.com", "ada@example.COM"));
    }
}

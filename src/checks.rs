//! Checks on values Cloudflare gives a meaning to, shared by several
//! resources: emails, object ids, domain names.

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

/// A domain name as Cloudflare accepts it for a zone (and for a custom
/// nameserver).
pub const DOMAIN_NAME: Check = Check::Custom {
    allowed: "a lowercase domain name under a public suffix, such as `example.com` or `shop.example.co.uk` (internationalised names in their `xn--` form)",
    check: check_domain_name,
};

/// Checks a domain name the way Cloudflare does for a zone: letters,
/// digits and hyphens (internationalised names in punycode) under a suffix
/// of the public suffix list, and not an IP address.
pub fn check_domain_name(s: &str) -> Result<(), String> {
    match domain_name_problem(s) {
        Some(why) => Err(format!("{s:?} is not a valid domain name: it {why}")),
        None => Ok(()),
    }
}

/// What is wrong with a domain name, in the words "it …" continues.
fn domain_name_problem(s: &str) -> Option<String> {
    if s.parse::<std::net::IpAddr>().is_ok() {
        return Some("is an IP address; a zone is a domain name such as `example.com`".into());
    }
    if !s.is_ascii() {
        return Some(match idna::domain_to_ascii(s) {
            Ok(ascii) if check_domain_name(&ascii).is_ok() => {
                format!("is not ASCII: write it in its punycode form {ascii:?}")
            }
            _ => "is not ASCII, and not a valid internationalised domain name either".into(),
        });
    }
    shape_problem(s)
        .or_else(|| s.split('.').find_map(label_problem))
        .or_else(|| suffix_problem(s))
}

/// Case, length and dots: what is wrong with the name as a whole.
fn shape_problem(s: &str) -> Option<String> {
    let lower = s.to_ascii_lowercase();
    // The spelling to suggest: one that passes, or none (a suggestion that
    // is refused in turn only sends the user round again).
    let write = || {
        let fixed = lower.trim_end_matches('.');
        match check_domain_name(fixed) {
            Ok(()) => format!(" (write {fixed:?})"),
            Err(_) => String::new(),
        }
    };
    if s != lower {
        Some(format!("must be lowercase{}", write()))
    } else if s.ends_with('.') {
        Some(format!("must not end with a dot{}", write()))
    } else if s.len() > 253 {
        Some("is longer than 253 characters".into())
    } else if s.split('.').count() < 2 {
        Some("needs at least two labels, like `example.com`".into())
    } else {
        None
    }
}

fn label_problem(label: &str) -> Option<String> {
    let allowed = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
    if label.is_empty() {
        Some("has an empty label (two dots in a row?)".to_string())
    } else if label.len() > 63 {
        Some(format!("has a label longer than 63 characters ({label:?})"))
    } else if !label.bytes().all(allowed) {
        Some(format!(
            "has a label with characters other than letters, digits and hyphens ({label:?})"
        ))
    } else if label.starts_with('-') || label.ends_with('-') {
        Some(format!(
            "has a label starting or ending with a hyphen ({label:?})"
        ))
    } else {
        None
    }
}

/// Punycode and the public suffix list: whether the name can be registered.
fn suffix_problem(s: &str) -> Option<String> {
    if idna::domain_to_unicode(s).1.is_err() {
        return Some("has an `xn--` label that is not valid punycode".into());
    }
    if !psl::suffix(s.as_bytes()).is_some_and(|suffix| suffix.is_known()) {
        let tld = s.rsplit('.').next().unwrap_or(s);
        return Some(format!(
            "ends in {tld:?}, which is not a top-level domain of the public suffix list"
        ));
    }
    if psl::domain(s.as_bytes()).is_none() {
        return Some(
            "is itself a public suffix (like `co.uk`): a zone needs a name under it, such as `example.co.uk`".into(),
        );
    }
    None
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

    #[test]
    fn domain_names() {
        for ok in [
            "example.com",
            "a.b.c.example.co.uk",
            "xn--bcher-kva.com",
            "xn--mnchen-3ya.de",
            "my-shop1.io",
        ] {
            assert!(
                check_domain_name(ok).is_ok(),
                "{ok}: {:?}",
                check_domain_name(ok)
            );
        }
        for (bad, why) in [
            ("example", "at least two labels"),
            ("Example.com", "must be lowercase (write \"example.com\")"),
            (
                "example.com.",
                "must not end with a dot (write \"example.com\")",
            ),
            // The suggestion is one that passes, not one refused in turn.
            ("Example.COM.", "must be lowercase (write \"example.com\")"),
            ("exa mple.com", "letters, digits and hyphens"),
            ("-shop.com", "hyphen"),
            ("a..com", "empty label"),
            ("", "at least two labels"),
            ("example.123", "not a top-level domain"),
            ("shop.example", "not a top-level domain"),
            ("192.168.1.1", "IP address"),
            ("::1", "IP address"),
            ("co.uk", "itself a public suffix"),
            ("münchen.de", "\"xn--mnchen-3ya.de\""),
            ("xn--zz.com", "not valid punycode"),
        ] {
            let e = check_domain_name(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
        // No spelling to suggest when lowercase would not pass either.
        let e = check_domain_name("Exa mple.com").unwrap_err();
        assert!(e.ends_with("it must be lowercase"), "{e}");
        assert!(check_domain_name(&format!("{}.com", "a".repeat(64)))
            .unwrap_err()
            .contains("63"));
    }
}

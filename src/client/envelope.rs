//! Cloudflare's response envelope: `{success, errors, messages, result, result_info}`.

use serde::Deserialize;

/// One entry of `errors` or `messages`. Decoded leniently: newer endpoints
/// type these as "array of unknown", and some errors nest an `error_chain`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CfMessage {
    pub code: i64,
    pub message: String,
    pub chain: Vec<CfMessage>,
}

impl CfMessage {
    fn from_json(v: &serde_json::Value) -> CfMessage {
        match v {
            serde_json::Value::String(s) => CfMessage {
                message: s.clone(),
                ..Default::default()
            },
            _ => CfMessage {
                code: v
                    .get("code")
                    .and_then(serde_json::Value::as_i64)
                    .unwrap_or_default(),
                message: v
                    .get("message")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                chain: v
                    .get("error_chain")
                    .and_then(serde_json::Value::as_array)
                    .map(|a| a.iter().map(CfMessage::from_json).collect())
                    .unwrap_or_default(),
            },
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct ResultInfo {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    pub count: Option<u64>,
    pub total_count: Option<u64>,
    pub total_pages: Option<u64>,
}

impl ResultInfo {
    /// The last page of a list asked for `per_page` objects a page, as far
    /// as `result_info` tells: the least of `total_pages` and what
    /// `total_count` comes to (the live API has left `total_pages` out, and
    /// answered `total_count: 0` beside a full page, which says nothing).
    /// `None` when neither tells.
    pub fn last_page(&self, per_page: u32) -> Option<u64> {
        let per_page = self
            .per_page
            .filter(|p| *p > 0)
            .unwrap_or(per_page.into())
            .max(1);
        let counted = self
            .total_count
            .filter(|c| *c > 0)
            .map(|c| c.div_ceil(per_page));
        match (self.total_pages, counted) {
            (Some(pages), Some(counted)) => Some(pages.min(counted)),
            (pages, counted) => pages.or(counted),
        }
    }
}

#[derive(Debug, Default)]
pub struct Envelope {
    pub success: bool,
    pub errors: Vec<CfMessage>,
    pub messages: Vec<CfMessage>,
    pub result: serde_json::Value,
    pub result_info: Option<ResultInfo>,
}

#[derive(Deserialize)]
struct RawEnvelope {
    #[serde(default)]
    success: Option<bool>,
    #[serde(default)]
    errors: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    messages: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    result: serde_json::Value,
    #[serde(default)]
    result_info: Option<ResultInfo>,
}

impl Envelope {
    /// Parses a response body. `None` when the body is not an envelope at
    /// all (an HTML error page from a proxy, an empty body).
    pub fn parse(body: &[u8]) -> Option<Envelope> {
        // Only a JSON object is an envelope. serde also reads a struct from
        // an array (fields in order), which made a bare `[]` body a
        // "successful" envelope with a null result.
        if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return None;
        }
        let raw: RawEnvelope = serde_json::from_slice(body).ok()?;
        let errors: Vec<CfMessage> = raw
            .errors
            .unwrap_or_default()
            .iter()
            .map(CfMessage::from_json)
            .collect();
        Some(Envelope {
            success: raw.success.unwrap_or(errors.is_empty()),
            errors,
            messages: raw
                .messages
                .unwrap_or_default()
                .iter()
                .map(CfMessage::from_json)
                .collect(),
            result: raw.result,
            result_info: raw.result_info,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_success() {
        let e = Envelope::parse(
            br#"{"success":true,"errors":[],"messages":[],"result":{"id":"x"},"result_info":{"page":1,"per_page":20,"total_pages":3}}"#,
        )
        .unwrap();
        assert!(e.success);
        assert_eq!(e.result["id"], "x");
        assert_eq!(e.result_info.unwrap().total_pages, Some(3));
    }

    #[test]
    fn parses_errors_with_chain_and_unknown_shapes() {
        let e = Envelope::parse(
            br#"{"success":false,"errors":[{"code":6003,"message":"Invalid request headers","error_chain":[{"code":6103,"message":"Invalid format for X-Auth-Key header"}]},"plain text"],"messages":[{"code":1,"message":"m","type":null}],"result":null}"#,
        )
        .unwrap();
        assert!(!e.success);
        assert_eq!(e.errors[0].code, 6003);
        assert_eq!(e.errors[0].chain[0].code, 6103);
        assert_eq!(e.errors[1].message, "plain text");
        assert!(e.result.is_null());
    }

    #[test]
    fn rejects_non_envelopes() {
        assert!(Envelope::parse(b"<html>502 Bad Gateway</html>").is_none());
        assert!(Envelope::parse(b"").is_none());
        assert!(Envelope::parse(b"[]").is_none());
        assert!(Envelope::parse(b" [true, [], [], {\"id\": 1}]").is_none());
        assert!(Envelope::parse(b" \n{\"result\": 1}").is_some());
    }

    #[test]
    fn the_last_page_is_the_least_that_result_info_tells() {
        let info = |pages: Option<u64>, count: Option<u64>, per_page: Option<u64>| ResultInfo {
            page: Some(1),
            per_page,
            count: Some(1),
            total_count: count,
            total_pages: pages,
        };
        assert_eq!(info(Some(3), None, Some(50)).last_page(50), Some(3));
        assert_eq!(info(None, Some(101), Some(50)).last_page(50), Some(3));
        assert_eq!(
            info(Some(1_000_000_000_000_000_000), Some(120), Some(50)).last_page(50),
            Some(3)
        );
        assert_eq!(
            info(None, Some(0), Some(20)).last_page(20),
            None,
            "a count of 0 says nothing"
        );
        assert_eq!(info(None, None, None).last_page(20), None);
        assert_eq!(
            info(None, Some(45), Some(0)).last_page(20),
            Some(3),
            "per_page 0 is the one asked for"
        );
    }

    #[test]
    fn missing_success_is_derived_from_errors() {
        assert!(Envelope::parse(br#"{"result":[]}"#).unwrap().success);
        assert!(
            !Envelope::parse(br#"{"errors":[{"code":1000,"message":"x"}]}"#)
                .unwrap()
                .success
        );
    }
}

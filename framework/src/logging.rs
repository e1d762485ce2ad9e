//! Logs on stderr as hclog JSON lines, which Terraform parses and filters
//! with `TF_LOG` / `TF_LOG_PROVIDER`. Never log credentials: the client
//! logs method, path, status and duration only.

use std::fmt;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

struct HclogJson {
    module: &'static str,
}

#[derive(Default)]
struct JsonFields(serde_json::Map<String, serde_json::Value>);

impl Visit for JsonFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(key(field), value.into());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(key(field), value.into());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(key(field), value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(key(field), value.into());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(key(field), format!("{value:?}").into());
    }
}

fn key(field: &Field) -> String {
    if field.name() == "message" {
        "@message".into()
    } else {
        field.name().into()
    }
}

impl<S, N> FormatEvent<S, N> for HclogJson
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut fields = JsonFields::default();
        event.record(&mut fields);
        let level = match *event.metadata().level() {
            tracing::Level::TRACE => "trace",
            tracing::Level::DEBUG => "debug",
            tracing::Level::INFO => "info",
            tracing::Level::WARN => "warn",
            tracing::Level::ERROR => "error",
        };
        let mut line = serde_json::Map::new();
        line.insert("@level".into(), level.into());
        line.insert("@module".into(), self.module.into());
        line.insert(
            "@timestamp".into(),
            hclog_timestamp(time::OffsetDateTime::now_utc()).into(),
        );
        line.extend(fields.0);
        writeln!(writer, "{}", serde_json::Value::Object(line))
    }
}

/// The timestamp in the one layout go-plugin accepts,
/// `2006-01-02T15:04:05.000000Z07:00`: exactly six fractional digits. With
/// any other (RFC 3339's nine, say) go-plugin cannot parse the line, and
/// Terraform logs it as raw text at DEBUG, whatever its `@level`.
fn hclog_timestamp(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// Installs the stderr logger for the provider `module` (the `@module` of
/// every line), logging the framework's and `targets`' events. The level
/// comes from `TF_LOG_PROVIDER` or `TF_LOG` (as Terraform users set them),
/// defaulting to warnings only.
pub fn init(module: &'static str, targets: &[&str]) {
    let level = std::env::var("TF_LOG_PROVIDER")
        .or_else(|_| std::env::var("TF_LOG"))
        .map(|l| l.to_ascii_lowercase())
        .ok()
        .filter(|l| ["trace", "debug", "info", "warn", "error"].contains(&l.as_str()))
        .and_then(|l| l.parse::<tracing::Level>().ok())
        .unwrap_or(tracing::Level::WARN);
    // Targets, not EnvFilter: the same target=level rules without a regex
    // engine in the binary.
    let filter = tracing_subscriber::filter::Targets::new()
        .with_default(tracing::Level::WARN)
        .with_targets(
            std::iter::once("tfplugin")
                .chain(targets.iter().copied())
                .map(|t| (t.to_string(), level)),
        );
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .event_format(HclogJson { module }),
        )
        .with(filter)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_the_layout_go_plugin_parses() {
        let t = time::OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_789).unwrap();
        assert_eq!(hclog_timestamp(t), "2023-11-14T22:13:20.123456Z");
        // Whole seconds keep their six zeros; other offsets become UTC.
        let t = time::OffsetDateTime::from_unix_timestamp(1_700_000_000)
            .unwrap()
            .to_offset(time::UtcOffset::from_hms(2, 0, 0).unwrap());
        assert_eq!(hclog_timestamp(t), "2023-11-14T22:13:20.000000Z");
    }
}

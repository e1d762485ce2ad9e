//! Logs on stderr as hclog JSON lines, which Terraform parses and filters
//! with `TF_LOG` / `TF_LOG_PROVIDER`, as the plugin SDKs write them: the
//! level from `TF_LOG_PROVIDER_<NAME>`, `TF_LOG_PROVIDER` or `TF_LOG`
//! (`json` is `trace`), and each line with the fields of the spans it is in
//! (the RPC, Terraform's request id, the resource type). Never log
//! credentials: the client logs method, path, status and duration, and
//! bodies only at `trace` with every secret redacted.

use std::fmt;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields};
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

/// A span's fields, kept as a JSON object (its text), so that each event
/// can carry the fields of the spans it is in.
struct SpanFieldsAsJson;

impl<'writer> FormatFields<'writer> for SpanFieldsAsJson {
    fn format_fields<R: RecordFields>(
        &self,
        mut writer: Writer<'writer>,
        fields: R,
    ) -> fmt::Result {
        let mut json = JsonFields::default();
        fields.record(&mut json);
        write!(writer, "{}", serde_json::Value::Object(json.0))
    }

    fn add_fields(
        &self,
        current: &'writer mut FormattedFields<Self>,
        fields: &tracing::span::Record<'_>,
    ) -> fmt::Result {
        let mut json = span_fields(current);
        fields.record(&mut json);
        current.fields = serde_json::Value::Object(json.0).to_string();
        Ok(())
    }
}

fn span_fields<N>(formatted: &FormattedFields<N>) -> JsonFields {
    match serde_json::from_str(&formatted.fields) {
        Ok(serde_json::Value::Object(map)) => JsonFields(map),
        _ => JsonFields::default(),
    }
}

impl<S> FormatEvent<S, SpanFieldsAsJson> for HclogJson
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, SpanFieldsAsJson>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut fields = JsonFields::default();
        // Outermost span first: an inner one's field of the same name wins.
        for span in ctx
            .event_scope()
            .into_iter()
            .flat_map(|scope| scope.from_root())
        {
            if let Some(formatted) = span.extensions().get::<FormattedFields<SpanFieldsAsJson>>() {
                fields.0.extend(span_fields(formatted).0);
            }
        }
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

/// The level Terraform's variables set for the provider `module`:
/// `TF_LOG_PROVIDER_<MODULE>`, else `TF_LOG_PROVIDER`, else `TF_LOG`, as the
/// plugin SDKs read them (`json` is `trace` in JSON, which is how these
/// lines always are); `None` when logs are off or unset.
pub fn level_from(module: &str, env: impl Fn(&str) -> Option<String>) -> Option<tracing::Level> {
    let own = format!("TF_LOG_PROVIDER_{}", module.to_ascii_uppercase());
    let value = [own.as_str(), "TF_LOG_PROVIDER", "TF_LOG"]
        .iter()
        .find_map(|name| env(name).filter(|v| !v.trim().is_empty()))?;
    match value.trim().to_ascii_lowercase().as_str() {
        "json" | "trace" => Some(tracing::Level::TRACE),
        "debug" => Some(tracing::Level::DEBUG),
        "info" => Some(tracing::Level::INFO),
        "warn" => Some(tracing::Level::WARN),
        "error" => Some(tracing::Level::ERROR),
        // `off`, or a word Terraform does not know either.
        _ => None,
    }
}

/// Installs the stderr logger for the provider `module` (the `@module` of
/// every line), logging the framework's and `targets`' events at the level
/// [`level_from`] reads; warnings only when none is set.
pub fn init(module: &'static str, targets: &[&str]) {
    let level = match std::env::var(format!("TF_LOG_PROVIDER_{}", module.to_ascii_uppercase()))
        .or_else(|_| std::env::var("TF_LOG_PROVIDER"))
        .or_else(|_| std::env::var("TF_LOG"))
    {
        Ok(_) => level_from(module, |k| std::env::var(k).ok()).map_or(
            tracing_subscriber::filter::LevelFilter::OFF,
            tracing_subscriber::filter::LevelFilter::from_level,
        ),
        Err(_) => tracing_subscriber::filter::LevelFilter::WARN,
    };
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
                .fmt_fields(SpanFieldsAsJson)
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

    #[test]
    fn the_providers_own_variable_comes_first_and_json_is_trace() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            level_from("cftenant", env(&[("TF_LOG", "json")])),
            Some(tracing::Level::TRACE)
        );
        assert_eq!(
            level_from(
                "cftenant",
                env(&[("TF_LOG", "trace"), ("TF_LOG_PROVIDER_CFTENANT", "error")])
            ),
            Some(tracing::Level::ERROR)
        );
        assert_eq!(
            level_from(
                "cftenant",
                env(&[("TF_LOG", "trace"), ("TF_LOG_PROVIDER", "INFO")])
            ),
            Some(tracing::Level::INFO)
        );
        assert_eq!(level_from("cftenant", env(&[("TF_LOG", "off")])), None);
        assert_eq!(level_from("cftenant", env(&[])), None);
    }

    #[test]
    fn lines_carry_the_fields_of_their_spans() {
        use std::sync::{Arc, Mutex};
        #[derive(Clone, Default)]
        struct Buffer(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Buffer {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let buffer = Buffer::default();
        let writer = buffer.clone();
        use tracing_subscriber::layer::SubscriberExt;
        let subscriber = tracing_subscriber::registry().with(
            tracing_subscriber::fmt::layer()
                .with_writer(move || writer.clone())
                .fmt_fields(SpanFieldsAsJson)
                .event_format(HclogJson { module: "t" }),
        );
        tracing::subscriber::with_default(subscriber, || {
            let rpc = tracing::info_span!("rpc", tf_rpc = "ReadResource", tf_req_id = "r-1");
            let _in = rpc.enter();
            let inner = tracing::info_span!("resource", tf_resource_type = "t_widget");
            let _inner = inner.enter();
            tracing::info!(status = 200, "API call");
        });
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        let line: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(line["tf_rpc"], "ReadResource");
        assert_eq!(line["tf_req_id"], "r-1");
        assert_eq!(line["tf_resource_type"], "t_widget");
        assert_eq!(line["status"], 200);
        assert_eq!(line["@message"], "API call");
    }
}

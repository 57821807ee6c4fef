//! For tests: a global tracing subscriber that records each event with the spans it was
//! emitted in (names and fields, root first), to check which request an event is attributed
//! to. Global, because the events of interest are emitted on other threads (the blocking
//! pool); tests pick their own events out by a unique marker field.

use std::fmt::Debug;
use std::sync::{Mutex, MutexGuard, Once, PoisonError};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

pub(crate) type Fields = Vec<(String, String)>;

#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub fields: Fields,
    /// (name, fields) of each span in the event's scope, root first.
    pub spans: Vec<(String, Fields)>,
}

impl Recorded {
    pub fn field(&self, name: &str) -> Option<&str> {
        field(&self.fields, name)
    }

    /// The value of `name` on the innermost span of the event's scope that has it.
    pub fn span_field(&self, name: &str) -> Option<&str> {
        self.spans.iter().rev().find_map(|(_, f)| field(f, name))
    }
}

fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

static EVENTS: Mutex<Vec<Recorded>> = Mutex::new(Vec::new());
static INSTALL: Once = Once::new();

/// Installs the recording subscriber (once per test binary).
pub(crate) fn install() {
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(Recorder);
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global tracing subscriber in this test binary");
    });
}

/// The events recorded so far whose field `marker` has the value `value`.
pub(crate) fn events_with(marker: &str, value: &str) -> Vec<Recorded> {
    lock()
        .iter()
        .filter(|e| e.field(marker) == Some(value))
        .cloned()
        .collect()
}

fn lock() -> MutexGuard<'static, Vec<Recorded>> {
    EVENTS.lock().unwrap_or_else(PoisonError::into_inner)
}

struct SpanFields(Fields);

struct Collect<'a>(&'a mut Fields);

impl Visit for Collect<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_owned(), value.to_owned()));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

struct Recorder;

impl<S> Layer<S> for Recorder
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        attrs.record(&mut Collect(&mut fields));
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanFields(fields));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            if let Some(SpanFields(fields)) = span.extensions_mut().get_mut::<SpanFields>() {
                values.record(&mut Collect(fields));
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        event.record(&mut Collect(&mut fields));
        let spans = ctx
            .event_scope(event)
            .map(|scope| {
                scope
                    .from_root()
                    .map(|span| {
                        let fields = span
                            .extensions()
                            .get::<SpanFields>()
                            .map(|f| f.0.clone())
                            .unwrap_or_default();
                        (span.name().to_owned(), fields)
                    })
                    .collect()
            })
            .unwrap_or_default();
        lock().push(Recorded { fields, spans });
    }
}

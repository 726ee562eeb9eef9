//! The run as one self-contained HTML file: no script, no external asset (its Content Security
//! Policy forbids both), every broker-provided string escaped. It leads with the failures, each
//! with its rule, what was expected and seen, and its sequence diagram as inline SVG; then the
//! warnings, then the limits found and every result, each in a table.

use super::outcome::Verdict;
use super::report::{CheckResult, Report};
use crate::diagram::{escape, scene_svg};
use crate::trace::TraceEvent;

const STYLE: &str = "
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #ffffff; --muted: #59636e; --line: #d0d7de;
  --fail: #c0262d; --warn: #9a6700; --pass: #1a7f37; --skip: #6e7781; --arrow: #0969da; --lost: #c0262d; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1;
  --line: #3d444d; --fail: #ff7b72; --warn: #d29922; --pass: #3fb950; --skip: #9198a1;
  --arrow: #58a6ff; --lost: #ff7b72; } }
body { font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg);
  max-width: 72rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; } h2 { margin-top: 2.5rem; }
section { border-left: 4px solid var(--line); padding: .25rem 0 .5rem 1rem; margin: 1.5rem 0; }
section.fail { border-color: var(--fail); } section.warn { border-color: var(--warn); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
.verdict-fail { color: var(--fail); font-weight: 600; } .verdict-warn { color: var(--warn); font-weight: 600; }
.verdict-pass { color: var(--pass); } .verdict-skipped { color: var(--skip); }
.diagram { overflow-x: auto; margin: .75rem 0; }
svg.sequence { font: 12px ui-monospace, monospace; max-width: none; }
svg .lane-name { font: 600 13px system-ui, sans-serif; fill: var(--fg); }
svg .lifeline { stroke: var(--line); stroke-dasharray: 4 4; }
svg .arrow line { stroke: var(--arrow); stroke-width: 1.5; } svg .arrow-head { fill: var(--arrow); }
svg .arrow-label { fill: var(--fg); } svg .arrow--dropped line { stroke: var(--lost); stroke-dasharray: 5 3; }
svg .lost-mark { fill: var(--lost); font-weight: 700; } svg .arrow--malformed line { stroke: var(--warn); }
svg .arrow--dup line { stroke-dasharray: 6 4; } svg .arrow-mark { font-size: 10px; fill: var(--skip); }
svg .arrow-mark--downgraded { fill: var(--arrow); font-weight: 700; }
svg .arrow-mark--duplicate { fill: var(--warn); font-weight: 700; } svg .arrow-mark--bug { fill: var(--fail); font-weight: 700; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
pre { overflow-x: auto; font-size: .8rem; } code { font-size: .9em; }
";

impl Report {
    /// As one self-contained HTML document.
    pub fn to_html(&self) -> String {
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Broker check: {target}</title><style>{STYLE}</style></head><body>\n\
             <h1>Broker check: {target}</h1>\n<p>Run <code>{run}</code>, topics under <code>{root}/</code>: \
             <span class=\"verdict-pass\">{pass} pass</span>, <span class=\"verdict-fail\">{fail} fail</span>, \
             <span class=\"verdict-warn\">{warn} warn</span>, <span class=\"verdict-skipped\">{skipped} skipped</span>.</p>\n",
            target = escape(&self.target),
            run = escape(&self.run_id),
            root = escape(&self.topic_root),
            pass = self.summary.pass,
            fail = self.summary.fail,
            warn = self.summary.warn,
            skipped = self.summary.skipped,
        );
        out.push_str("<ul>");
        for declared in &self.declared {
            let declares = match declared.declares.as_slice() {
                [] => "no limits".to_owned(),
                phrases => phrases.join("; "),
            };
            out.push_str(&format!(
                "<li>MQTT {}: {}</li>",
                escape(&declared.version),
                escape(&declares)
            ));
        }
        out.push_str("</ul>\n");
        for (verdict, heading) in [(Verdict::Fail, "Failures"), (Verdict::Warn, "Warnings")] {
            let results: Vec<&CheckResult> = self
                .results
                .iter()
                .filter(|result| result.outcome.verdict == verdict)
                .collect();
            if results.is_empty() {
                continue;
            }
            out.push_str(&format!("<h2>{heading} ({})</h2>\n", results.len()));
            for result in results {
                out.push_str(&detail(result));
            }
        }
        if self.limits().next().is_some() {
            out.push_str(
                "<h2>Limits found</h2>\n<table><thead><tr><th>limit</th><th>version</th><th>found</th>\
                 <th>verdict</th><th>check</th></tr></thead><tbody>\n",
            );
            for (result, limit) in self.limits() {
                let verdict = result.outcome.verdict.as_str();
                out.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"verdict-{verdict}\">{verdict}</td><td><code>{}</code></td></tr>\n",
                    escape(&limit.name),
                    escape(&result.version),
                    escape(&limit.value_text()),
                    escape(&result.id),
                ));
            }
            out.push_str("</tbody></table>\n");
        }
        out.push_str(
            "<h2>Every check</h2>\n<table><thead><tr><th>verdict</th><th>check</th><th>version</th>\
             <th>rule</th><th>seen</th><th>ms</th></tr></thead><tbody>\n",
        );
        for result in &self.results {
            let verdict = result.outcome.verdict.as_str();
            out.push_str(&format!(
                "<tr><td class=\"verdict-{verdict}\">{verdict}</td><td><code>{}</code> {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                escape(&result.id),
                escape(&result.title),
                escape(&result.version),
                escape(&result.rule),
                escape(&result.outcome.seen),
                result.duration_ms
            ));
        }
        out.push_str("</tbody></table>\n</body></html>\n");
        out
    }
}

/// One failing or warning check: rule, expected, seen, diagram, transcript.
fn detail(result: &CheckResult) -> String {
    let verdict = result.outcome.verdict.as_str();
    let mut out = format!(
        "<section class=\"{verdict}\" id=\"{id}-{version}\"><h3><span class=\"verdict-{verdict}\">{verdict}</span> {title} \
         <small>(<code>{id}</code>, MQTT {version})</small></h3><dl><dt>Rule</dt><dd>{rule}</dd>\
         <dt>Expected</dt><dd>{expected}</dd><dt>Seen</dt><dd>{seen}</dd>{found}</dl>",
        id = escape(&result.id),
        version = escape(&result.version),
        title = escape(&result.title),
        rule = escape(&result.rule),
        expected = escape(&result.outcome.expected),
        seen = escape(&result.outcome.seen),
        found = match &result.outcome.limit {
            Some(limit) => format!("<dt>Found</dt><dd>{}</dd>", escape(&limit.value_text())),
            None => String::new(),
        },
    );
    if result
        .trace
        .iter()
        .any(|event| matches!(event, TraceEvent::Packet(_)))
    {
        let scene = result.scene(usize::MAX);
        if scene.hidden > 0 {
            out.push_str(&format!(
                "<p>The diagram shows the last {} packets; the {} before them are in the transcript.</p>",
                scene.arrows.len(),
                scene.hidden
            ));
        }
        out.push_str(&format!(
            "<div class=\"diagram\">{}</div>",
            scene_svg(&scene, &format!("{}: sequence diagram", result.title))
        ));
    }
    if !result.transcript.is_empty() {
        out.push_str(&format!(
            "<details><summary>Transcript</summary><pre>{}</pre></details>",
            escape(&result.transcript.join("\n"))
        ));
    }
    out.push_str("</section>\n");
    out
}

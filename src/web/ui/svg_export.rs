//! The diagram as a standalone SVG file: the drawn element plus the style rules it uses, copied
//! from the page's stylesheet so colours and dashes survive outside the page.

use wasm_bindgen::JsCast;

use crate::i18n::Text;

/// Classes of the diagram's elements; rules that mention one of them (and `:root`, which holds
/// the colour variables) go into the file.
const DIAGRAM_SELECTORS: [&str; 7] = [
    ":root",
    ".sequence",
    ".lane",
    ".lifeline",
    ".arrow",
    ".lost-mark",
    "--selected",
];

/// The SVG element `id` as a file's text.
pub fn standalone_svg(id: &str) -> Result<String, Text> {
    let document = super::super::document();
    let svg = document.get_element_by_id(id).ok_or(Text::NoDiagram)?;
    let mut style = String::new();
    let sheets = document.style_sheets();
    for index in 0..sheets.length() {
        let Some(sheet) = sheets
            .item(index)
            .and_then(|sheet| sheet.dyn_into::<web_sys::CssStyleSheet>().ok())
        else {
            continue;
        };
        let Ok(rules) = sheet.css_rules() else {
            continue;
        };
        for index in 0..rules.length() {
            if let Some(rule) = rules.item(index) {
                let text = rule.css_text();
                if DIAGRAM_SELECTORS
                    .iter()
                    .any(|selector| text.contains(selector))
                {
                    style.push_str(&text);
                    style.push('\n');
                }
            }
        }
    }
    let markup = svg.outer_html();
    let open_end = markup.find('>').ok_or(Text::NotSvg)?;
    let (open, rest) = markup.split_at(open_end + 1);
    let open = if open.contains("xmlns=") {
        open.to_owned()
    } else {
        open.replacen("<svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"", 1)
    };
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{open}<style>{}</style>{rest}\n",
        escape_style(&style)
    ))
}

/// Style text inside an XML element: `<` and `&` must not start markup.
fn escape_style(style: &str) -> String {
    style.replace('&', "&amp;").replace('<', "&lt;")
}

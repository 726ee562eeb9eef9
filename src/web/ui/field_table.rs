//! The annotated fields of one packet: name, byte range, value. Values are text nodes, never
//! HTML, whatever a broker put in a topic or payload. Pointing at (or focusing) a row tells the
//! owner, so it can light up the field's bytes.

use yew::prelude::*;

use super::language_switch::use_lang;
use crate::codec::Field;
use crate::i18n::Text;

#[derive(Properties, PartialEq)]
pub struct FieldTableProps {
    pub id: AttrValue,
    pub fields: Vec<Field>,
    /// The row whose bytes are lit.
    #[prop_or_default]
    pub highlighted: Option<usize>,
    /// Called with the row pointed at or focused (`None` when left).
    #[prop_or_default]
    pub on_highlight: Callback<Option<usize>>,
}

#[function_component(FieldTable)]
pub fn field_table(props: &FieldTableProps) -> Html {
    let lang = use_lang();
    html! {
        <table id={props.id.clone()} class="fields">
            <thead>
                <tr><th scope="col">{ lang.text(Text::Field) }</th><th scope="col">{ lang.text(Text::Bytes) }</th><th scope="col">{ lang.text(Text::Value) }</th></tr>
            </thead>
            <tbody>
                { for props.fields.iter().enumerate().map(|(index, field)| {
                    let enter = props.on_highlight.reform(move |_: MouseEvent| Some(index));
                    let focus = props.on_highlight.reform(move |_: FocusEvent| Some(index));
                    let leave = props.on_highlight.reform(|_: MouseEvent| None);
                    let lit = props.highlighted == Some(index);
                    html! {
                        <tr class={classes!(format!("depth-{}", field.depth.min(3)), lit.then_some("field--lit"))}
                            tabindex="0" data-start={field.start.to_string()} data-end={field.end.to_string()}
                            onmouseenter={enter} onfocus={focus} onmouseleave={leave}>
                            <td class="field-name">{ &field.name }</td>
                            <td class="field-range">{ byte_range(field) }</td>
                            <td class="field-value">{ &field.value }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

fn byte_range(field: &Field) -> String {
    match field.end.saturating_sub(field.start) {
        0 => format!("{}", field.start),
        1 => format!("{}", field.start),
        _ => format!("{}–{}", field.start, field.end - 1),
    }
}

//! The annotated fields of one packet: name, byte range, value. Values are text nodes, never
//! HTML, whatever a broker put in a topic or payload.

use yew::prelude::*;

use crate::codec::Field;

#[derive(Properties, PartialEq)]
pub struct FieldTableProps {
    pub id: AttrValue,
    pub fields: Vec<Field>,
}

#[function_component(FieldTable)]
pub fn field_table(props: &FieldTableProps) -> Html {
    html! {
        <table id={props.id.clone()} class="fields">
            <thead>
                <tr><th scope="col">{ "Field" }</th><th scope="col">{ "Bytes" }</th><th scope="col">{ "Value" }</th></tr>
            </thead>
            <tbody>
                { for props.fields.iter().map(|field| html! {
                    <tr class={classes!(format!("depth-{}", field.depth.min(3)))}>
                        <td class="field-name">{ &field.name }</td>
                        <td class="field-range">{ byte_range(field) }</td>
                        <td class="field-value">{ &field.value }</td>
                    </tr>
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

//! One packet byte by byte: an annotated hex dump beside its field table. Pointing at a field
//! lights up its bytes; pointing at a byte lights up its field.

use yew::prelude::*;

use super::field_table::FieldTable;
use super::language_switch::use_lang;
use crate::codec::Field;
use crate::i18n::Text;

/// Bytes shown in the dump; a larger packet (a big payload) shows the rest as a count.
const SHOWN: usize = 1024;

#[derive(Properties, PartialEq)]
pub struct PacketBytesProps {
    /// Prefix of the element ids (`{id}-hex`, `{id}-fields`).
    pub id: AttrValue,
    pub bytes: Vec<u8>,
    pub fields: Vec<Field>,
    /// Bytes per dump row: 16, or 8 where the column is narrow (the inspector beside the diagram).
    #[prop_or(16)]
    pub row: usize,
}

#[function_component(PacketBytes)]
pub fn packet_bytes(props: &PacketBytesProps) -> Html {
    let lang = use_lang();
    let lit = use_state(|| None::<usize>);
    let on_highlight = {
        let lit = lit.clone();
        Callback::from(move |field| lit.set(field))
    };
    // The innermost field covering a byte: the last one that starts at or before it.
    let field_of = |offset: usize| {
        props
            .fields
            .iter()
            .rposition(|field| field.start <= offset && offset < field.end)
    };
    let range = lit
        .and_then(|index| props.fields.get(index))
        .map(|field| field.start..field.end);
    let shown = &props.bytes[..props.bytes.len().min(SHOWN)];
    html! {
        <div class="packet-bytes">
            <div id={format!("{}-hex", props.id)} class="hex-dump mono"
                 role="region" tabindex="0" aria-label={lang.text(Text::PacketBytesHex)}>
                { for shown.chunks(props.row).enumerate().map(|(row, chunk)| html! {
                    <div class="hex-row">
                        <span class="hex-offset">{ format!("{:04X}", row * props.row) }</span>
                        { for chunk.iter().enumerate().map(|(column, byte)| {
                            let offset = row * props.row + column;
                            let field = field_of(offset);
                            let on_enter = on_highlight.reform(move |_: MouseEvent| field);
                            let leave = on_highlight.reform(|_: MouseEvent| None);
                            let class = classes!("byte", range.as_ref().is_some_and(|range| range.contains(&offset)).then_some("byte--lit"));
                            html! { <span {class} data-offset={offset.to_string()} onmouseenter={on_enter} onmouseleave={leave}>{ format!("{byte:02X}") }</span> }
                        }) }
                    </div>
                }) }
                if props.bytes.len() > SHOWN {
                    <div class="muted">{ lang.fill(Text::MoreBytes, &[&(props.bytes.len() - SHOWN)]) }</div>
                }
            </div>
            <FieldTable id={format!("{}-fields", props.id)} fields={props.fields.clone()} highlighted={*lit} {on_highlight} />
        </div>
    }
}

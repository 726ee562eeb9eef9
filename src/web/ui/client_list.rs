//! The clients: a card for each one still on the page, and a button to add another.

use yew::prelude::*;

use super::client_card::ClientCard;
use super::language_switch::use_lang;
use super::workbench_reducer::PanelAction;
use crate::i18n::Text;
use crate::workbench_state::{ClientView, RosterEntry};

/// One card's client.
#[derive(Clone, PartialEq)]
pub struct Card {
    /// Its index in the workbench.
    pub client: usize,
    pub entry: RosterEntry,
    pub view: ClientView,
}

#[derive(Properties, PartialEq)]
pub struct ClientListProps {
    pub cards: Vec<Card>,
    /// A trace from a file is shown: no client can be added to it.
    pub replaying: bool,
    pub dispatch: Callback<PanelAction>,
}

#[function_component(ClientList)]
pub fn client_list(props: &ClientListProps) -> Html {
    let lang = use_lang();
    let add_client = props
        .dispatch
        .reform(|_: MouseEvent| PanelAction::AddClient);
    html! {
        <section class="clients" aria-labelledby="clients-title">
            <div class="row">
                <h3 id="clients-title">{ lang.text(Text::Clients) }</h3>
                <button type="button" class="secondary" id="add-client" onclick={add_client} disabled={props.replaying}>{ lang.text(Text::AddClient) }</button>
            </div>
            <div class="client-cards">
                { for props.cards.iter().map(|card| html! {
                    <ClientCard key={card.client} client={card.client} name={card.entry.name.clone()} view={card.view.clone()}
                        problem={card.entry.problem.clone()} dispatch={props.dispatch.clone()} />
                }) }
            </div>
        </section>
    }
}

//! Two rules that need the parsed document, checked right after async-graphql parses it (with
//! its own depth and size limits) and before anything runs: a request sent with GET runs
//! queries only, never a mutation (`MUTATION_OVER_GET`, answered 405 by [`super::http`]); and
//! with the tools off (production), introspection is refused with `INTROSPECTION_DISABLED`
//! (the library alone would answer `null` without saying why).

use std::sync::Arc;

use async_graphql::{
    ServerError, ServerResult, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery},
    parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet},
};

use super::errors::{code, coded};

/// What the HTTP door knows of the request, given to the executor as request data.
pub struct Sent {
    /// Sent with GET.
    pub over_get: bool,
    /// The operation to run, when the document has several.
    pub operation_name: Option<String>,
}

/// The extension's factory: one per schema.
pub struct Rules {
    /// Introspection allowed.
    pub tools: bool,
}

impl ExtensionFactory for Rules {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RulesOfOneRequest { tools: self.tools })
    }
}

struct RulesOfOneRequest {
    tools: bool,
}

#[async_trait::async_trait]
impl Extension for RulesOfOneRequest {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if let Some(sent) = ctx.data_opt::<Sent>()
            && sent.over_get
            && !only_queries(&document, sent.operation_name.as_deref())
        {
            return Err(refusal(
                code::MUTATION_OVER_GET,
                "Mutations are sent with POST (and the X-CSRF-Token header), never with GET.",
            ));
        }
        if !self.tools && asks_introspection(&document) {
            return Err(refusal(
                code::INTROSPECTION_DISABLED,
                "Introspection is off on this server; the schema is in the repository's \
                 schema.graphql.",
            ));
        }
        Ok(document)
    }
}

fn refusal(code: &'static str, message: &str) -> ServerError {
    coded(code, message).into_server_error(Default::default())
}

/// Whether the operation the request runs is a query: the named one, or, without a name,
/// every operation of the document.
fn only_queries(document: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    let mut operations = document.operations.iter();
    match operation_name {
        Some(name) => operations
            .find(|(found, _)| found.map(|found| found.as_str()) == Some(name))
            .is_none_or(|(_, operation)| operation.node.ty == OperationType::Query),
        None => operations.all(|(_, operation)| operation.node.ty == OperationType::Query),
    }
}

/// Whether any selection of the document asks for `__schema` or `__type`.
fn asks_introspection(document: &ExecutableDocument) -> bool {
    document
        .operations
        .iter()
        .any(|(_, operation)| selects_introspection(&operation.node.selection_set.node))
        || document
            .fragments
            .values()
            .any(|fragment| selects_introspection(&fragment.node.selection_set.node))
}

fn selects_introspection(set: &SelectionSet) -> bool {
    set.items.iter().any(|item| match &item.node {
        Selection::Field(field) => {
            let name = field.node.name.node.as_str();
            name == "__schema"
                || name == "__type"
                || selects_introspection(&field.node.selection_set.node)
        }
        Selection::InlineFragment(fragment) => {
            selects_introspection(&fragment.node.selection_set.node)
        }
        Selection::FragmentSpread(_) => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(text: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(text).expect("a document")
    }

    #[test]
    fn only_queries_run_over_get() {
        assert!(only_queries(
            &document("{ listings { edges { cursor } } }"),
            None
        ));
        let both = document("query A { viewer { profile { name } } } mutation B { logOut }");
        assert!(only_queries(&both, Some("A")));
        assert!(!only_queries(&both, Some("B")));
        assert!(!only_queries(&both, None));
    }

    #[test]
    fn introspection_is_found_in_fields_and_fragments() {
        assert!(asks_introspection(&document(
            "{ __schema { types { name } } }"
        )));
        assert!(asks_introspection(&document(
            "{ ...F } fragment F on Query { __type(name: \"Listing\") { name } }"
        )));
        assert!(!asks_introspection(&document(
            "{ listings { __typename } }"
        )));
    }
}

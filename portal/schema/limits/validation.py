"""Validation of operations: a document's rules once per text, the variables' checks always.

    documents = ValidDocuments(maxsize=256)            # one per schema
    Schema(..., extensions=[..., lambda: ValidateOperations(documents, checks=[nul_variables,
                                                                           cost.errors])])

The validation rules (graphql-core's, strawberry's, the depth, alias, NUL-literal and
introspection rules of the other extensions) depend on the document only, and a schema's
rules are fixed when it is built: a text that validated once is valid again, so this
extension remembers the last ``maxsize`` valid texts (of at most ``max_length`` characters:
256 x 20,000 at most per schema) and skips their validation. A document
with errors is validated every time (its errors are neither kept nor shared). The checks that
depend on the variables (the cost of pages asked with ``first: $n``, NUL in a value) run on
every operation whose document is valid.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from threading import Lock

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext

Check = Callable[[ExecutionContext], list[GraphQLError]]


class ValidDocuments:
    """The texts of the last ``maxsize`` documents found valid (least recently used out),
    each at most ``max_length`` characters: a comment costs no token, so a valid text can be
    as long as a request body; a longer text is validated every time, never kept."""

    def __init__(self, maxsize: int = 256, max_length: int = 20_000) -> None:
        self.maxsize = maxsize
        self.max_length = max_length
        self._texts: OrderedDict[str, None] = OrderedDict()
        self._lock = Lock()  # a schema may serve threads (strawberry's sync views)

    def __contains__(self, text: str) -> bool:
        with self._lock:
            if text not in self._texts:
                return False
            self._texts.move_to_end(text)
            return True

    def add(self, text: str) -> None:
        if len(text) > self.max_length:
            return
        with self._lock:
            self._texts[text] = None
            self._texts.move_to_end(text)
            while len(self._texts) > self.maxsize:
                self._texts.popitem(last=False)


class ValidateOperations(SchemaExtension):
    def __init__(self, documents: ValidDocuments, checks: Sequence[Check] = ()) -> None:
        self.documents = documents
        self.checks = checks

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document, text = context.graphql_document, context.query
        errors: list[GraphQLError] = []
        if document is not None and (text is None or text not in self.documents):
            errors = list(
                validate_document(context.schema._schema, document, context.validation_rules)
            )
            if not errors and text is not None:
                self.documents.add(text)
        if not errors:
            for check in self.checks:
                errors.extend(check(context))
        context.pre_execution_errors = errors  # strawberry's own validation is skipped
        yield

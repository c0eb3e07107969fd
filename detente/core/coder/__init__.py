"""The event coder's pure core: sentences, dates, actor and verb dictionaries, rules and evaluation.

Nothing here reads a file: :mod:`detente.coder` loads the packaged dictionaries
and builds a :class:`Coder`.
"""

from __future__ import annotations

from detente.core.coder.coder import Accord, CodedEvent, Coder, DocumentResult, EventCoder, Fallback, Unresolved
from detente.core.coder.convert import to_event, to_plover, to_record
from detente.core.coder.dates import When, find_dates, resolve_date
from detente.core.coder.lexicon import ActorEntry, ActorLexicon, Mention
from detente.core.coder.rules import Modality, VerbRule, VerbRules
from detente.core.coder.text import Sentence, Token, split_sentences, tokenize

__all__ = [
    "Accord",
    "ActorEntry",
    "ActorLexicon",
    "CodedEvent",
    "Coder",
    "DocumentResult",
    "EventCoder",
    "Fallback",
    "Mention",
    "Modality",
    "Sentence",
    "Token",
    "Unresolved",
    "VerbRule",
    "VerbRules",
    "When",
    "find_dates",
    "resolve_date",
    "split_sentences",
    "to_event",
    "to_plover",
    "to_record",
    "tokenize",
]

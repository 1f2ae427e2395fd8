"""The kinds of inspection, each with the one label people see and the rule-table process it runs."""

from __future__ import annotations

from enum import StrEnum

from timelines.core.rules import FULL_INSPECTION, IRP, THEMATIC


class InspectionKind(StrEnum):
    FULL = "full"
    IRP = "irp"
    THEMATIC = "thematic"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def process(self) -> str:
        return _PROCESSES[self]


_LABELS = {
    InspectionKind.FULL: "Full inspection",
    InspectionKind.IRP: "Independent review of progress",
    InspectionKind.THEMATIC: "Thematic review",
}
_PROCESSES = {
    InspectionKind.FULL: FULL_INSPECTION,
    InspectionKind.IRP: IRP,
    InspectionKind.THEMATIC: THEMATIC,
}
KIND_LABELS = {kind.value: kind.label for kind in InspectionKind}
PROCESS_FOR_KIND = {kind.value: kind.process for kind in InspectionKind}

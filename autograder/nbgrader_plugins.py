"""The kit's additions to nbgrader, named in the course's ``nbgrader_config.py`` (written by
``nnkit nbgrader-course``).

nbgrader 0.9 stores the checksum of a test cell *with* its hidden tests (``generate_assignment``
computes it before ``ClearHiddenTests``), so ``autograde`` finds every untouched test cell that
holds hidden tests "changed" and logs ``Attribute 'checksum' for cell ... has changed!`` for every
submission (jupyter/nbgrader#1961), which reads as tampering. :class:`OverwriteReleasedCells`
recognises a locked cell submitted exactly as released (the source cell with its hidden tests
cleared by nbgrader's own :class:`~nbgrader.preprocessors.ClearHiddenTests`) and puts the hidden
tests back before nbgrader's checks, so only a cell the student really changed is reported.
"""
import copy

from nbgrader import utils
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, OverwriteCells


class OverwriteReleasedCells(OverwriteCells):
    """nbgrader's OverwriteCells (same configuration section, ``c.OverwriteCells``), quiet for a
    locked cell submitted as released."""

    def preprocess_cell(self, cell, resources, cell_index):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None and utils.is_locked(cell):
            try:
                source_cell = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
            except MissingEntry:
                source_cell = None
            if source_cell is not None and cell.source == released_source(source_cell.source, cell, parent=self):
                cell.source = source_cell.source
        return super().preprocess_cell(cell, resources, cell_index)


def released_source(source, cell, parent=None):
    """``source`` as ``nbgrader generate_assignment`` releases it: its hidden tests region removed
    by nbgrader's ClearHiddenTests (with the course's delimiters; ``cell`` gives the cell type)."""
    released = copy.deepcopy(cell)
    released.source = source
    ClearHiddenTests(parent=parent)._remove_hidden_test_region(released)
    return released.source


def sanitize_preprocessors():
    """nbgrader's default ``Autograde.sanitize_preprocessors`` with OverwriteCells replaced by
    :class:`OverwriteReleasedCells` (for ``c.Autograde.sanitize_preprocessors``)."""
    from nbgrader.converters.autograde import Autograde
    default = Autograde.class_traits()["sanitize_preprocessors"].default()
    return [OverwriteReleasedCells if pp is OverwriteCells else pp for pp in default]

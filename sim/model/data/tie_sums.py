"""Each household's sum of a value over its ties, read in an order that suits memory, with the same result.

The rumour pass needs, every week, the sum of every tie's delta_hat for every
household. Read row by row from the CSR matrix, a tenth of the ties (those
drawn anywhere, and kin across communities) fetch a value from anywhere in
the array: at 10,000,000 people that is four million reads of memory that the
week's other passes have pushed out of the cache, and most of the rumour
pass's time.

`TieBlocks` holds the same ties grouped into blocks of households (rows),
each block's ties in order of the household tied to (column). A block's sum
then reads the values in increasing address order, which the processor
fetches ahead, and adds into a window of its own rows that stays in cache.

Same numbers, in any order. The values summed are float32 in [0, 1], added
in float64. Where every value is 0 or at least 2**-18, each is a whole
multiple of 2**-41 (a float32 has 24 significant bits), so every partial sum
of fewer than 4,096 of them is a multiple of 2**-41 below 2**12, which a
float64 holds exactly. Every order of addition then gives the exact sum, the
one the row-by-row loop gives. `block_sums` checks that condition each week
and returns None when it does not hold (a value below 2**-18, a household
with 4,096 ties or more), and the caller then sums row by row in stored
order, so the result is the same either way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import scipy.sparse as sp

ROWS_PER_BLOCK = 1 << 17  # 1 MB of float64 sums per block: stays in a core's cache
SMALLEST_EXACT = 2.0**-18  # every float32 at or above it is a multiple of 2**-41
MOST_TIES_EXACT = 4_096  # partial sums of values <= 1 stay below 2**12: exact in float64 at 2**-41


@dataclass(frozen=True)
class TieBlocks:
    """The ties of a symmetric matrix, grouped by block of rows, each block in column order."""

    n_rows: int
    rows_per_block: int
    starts: np.ndarray  # int64 [blocks + 1]: block b's ties are starts[b]:starts[b + 1]
    row: np.ndarray  # int32 [ties]: the tie's row, less its block's first row
    column: np.ndarray  # int32 [ties]: the household tied to
    most_ties: int  # the largest degree


def tie_blocks(ties: sp.csr_matrix, rows_per_block: int = ROWS_PER_BLOCK) -> TieBlocks:
    """Group the ties of a symmetric CSR matrix (the network) by block of rows, in column order."""
    n = ties.shape[0]
    indptr = ties.indptr.astype(np.int64)
    first_rows = np.minimum(np.arange(0, n + rows_per_block, rows_per_block), n)
    starts = indptr[first_rows]
    row = np.empty(ties.nnz, dtype=np.int32)
    column = np.empty(ties.nnz, dtype=np.int32)
    _fill(indptr, ties.indices, rows_per_block, starts, row, column)
    most = int(np.diff(indptr).max(initial=0))
    return TieBlocks(n, rows_per_block, starts, row, column, most)


@numba.njit(cache=True)
def _fill(indptr, indices, rows_per_block, starts, row, column):  # noqa: ANN001, ANN202
    cursor = starts[:-1].copy()
    for c in range(len(indptr) - 1):  # symmetric: the rows tied to column c are the columns of row c
        for k in range(indptr[c], indptr[c + 1]):
            r = indices[k]
            b = r // rows_per_block
            p = cursor[b]
            cursor[b] = p + 1
            row[p] = r - b * rows_per_block
            column[p] = c


@numba.njit(cache=True, parallel=True)
def _summable(values, smallest):  # noqa: ANN001, ANN202
    bad = 0
    for i in numba.prange(len(values)):
        v = values[i]
        if not (v == 0.0 or (v >= smallest and v <= 1.0)):
            bad += 1
    return bad == 0


@numba.njit(cache=True, parallel=True)
def _sums(starts, row, column, rows_per_block, values, totals):  # noqa: ANN001, ANN202
    for b in numba.prange(len(starts) - 1):
        first = b * rows_per_block
        window = np.zeros(min(rows_per_block, len(totals) - first))
        for k in range(starts[b], starts[b + 1]):
            window[row[k]] += values[column[k]]
        totals[first : first + len(window)] = window


def exact_in_any_order(blocks: TieBlocks, values: np.ndarray) -> bool:
    """Whether every order of adding `values` over any household's ties gives the same float64 sum."""
    return values.dtype == np.float32 and blocks.most_ties < MOST_TIES_EXACT and _summable(values, SMALLEST_EXACT)


def block_sums(blocks: TieBlocks, values: np.ndarray) -> np.ndarray | None:
    """float64 [rows]: each row's sum of `values` over its ties; None where only stored order gives it."""
    if len(values) != blocks.n_rows:
        raise ValueError(f"block_sums: {len(values)} values for {blocks.n_rows} households")
    if not exact_in_any_order(blocks, values):
        return None
    totals = np.empty(blocks.n_rows, dtype=np.float64)
    _sums(blocks.starts, blocks.row, blocks.column, blocks.rows_per_block, values, totals)
    return totals

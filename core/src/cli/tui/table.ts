import { Box, Text } from 'ink';
import { createElement as h, type ReactElement } from 'react';
import { fit, fitPath } from './format.js';

export interface Column<Row> {
  title: string;
  /** Columns; 0 = share what the fixed columns leave. */
  width: number;
  align?: 'left' | 'right';
  /** Long values lose their start instead of their end (paths). */
  keepEnd?: boolean;
  value: (row: Row) => string;
  color?: (row: Row) => string | undefined;
  /** May be left out, rightmost first, when the terminal is too narrow for every column. */
  optional?: boolean;
}

export interface TableProps<Row> {
  columns: Column<Row>[];
  rows: Row[];
  /** Total width to fill. */
  width: number;
  /** Index into `rows` drawn highlighted; undefined = no selection. */
  selected?: number;
  /** Shown instead of rows when there are none. */
  empty: string;
  rowKey: (row: Row, index: number) => string;
}

const GAP = 2;

/** A header line and one line per row, cells padded to fixed columns; the selected row inverted. */
export function Table<Row>(props: TableProps<Row>): ReactElement {
  const { columns, widths } = layout(props.columns, props.width);
  const cell = (column: Column<Row>, index: number, text: string) => {
    const width = widths[index]!;
    const fitted = column.keepEnd ? fitPath(text, width) : fit(text, width, column.align);
    return index === 0 ? fitted : `${' '.repeat(GAP)}${fitted}`;
  };
  const header = h(Text, { bold: true, dimColor: true, wrap: 'truncate-end' }, columns.map((c, i) => cell(c, i, c.title)).join(''));
  const body =
    props.rows.length === 0
      ? [h(Text, { key: 'empty', dimColor: true }, props.empty)]
      : props.rows.map((row, r) =>
          h(
            Text,
            { key: props.rowKey(row, r), inverse: r === props.selected, wrap: 'truncate-end' },
            ...columns.map((c, i) => h(Text, { key: c.title, color: r === props.selected ? undefined : c.color?.(row) }, cell(c, i, c.value(row)))),
          ),
        );
  return h(Box, { flexDirection: 'column' }, header, ...body);
}

/** Flexible columns get at least this many; optional columns go before they would get less. */
const MIN_FLEX = 12;

/** The columns that fit in `total` and their widths; flexible columns share what is left. */
function layout<Row>(all: Column<Row>[], total: number): { columns: Column<Row>[]; widths: number[] } {
  let columns = all;
  const need = (cols: Column<Row>[]) =>
    cols.reduce((sum, c) => sum + (c.width === 0 ? MIN_FLEX : c.width), 0) + GAP * (cols.length - 1);
  while (need(columns) > total) {
    const drop = columns.findLastIndex((c) => c.optional);
    if (drop === -1) break;
    columns = columns.filter((_, i) => i !== drop);
  }
  const fixed = columns.reduce((sum, c) => sum + c.width, 0) + GAP * (columns.length - 1);
  const flexible = columns.filter((c) => c.width === 0).length;
  const share = flexible > 0 ? Math.max(MIN_FLEX, Math.floor((total - fixed) / flexible)) : 0;
  return { columns, widths: columns.map((c) => (c.width === 0 ? share : c.width)) };
}

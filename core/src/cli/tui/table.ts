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
  const widths = columnWidths(props.columns, props.width);
  const cell = (column: Column<Row>, index: number, text: string) => {
    const width = widths[index]!;
    const fitted = column.keepEnd ? fitPath(text, width) : fit(text, width, column.align);
    return index === 0 ? fitted : `${' '.repeat(GAP)}${fitted}`;
  };
  const header = h(Text, { bold: true, dimColor: true }, props.columns.map((c, i) => cell(c, i, c.title)).join(''));
  const body =
    props.rows.length === 0
      ? [h(Text, { key: 'empty', dimColor: true }, props.empty)]
      : props.rows.map((row, r) =>
          h(
            Text,
            { key: props.rowKey(row, r), inverse: r === props.selected, wrap: 'truncate-end' },
            ...props.columns.map((c, i) => h(Text, { key: c.title, color: r === props.selected ? undefined : c.color?.(row) }, cell(c, i, c.value(row)))),
          ),
        );
  return h(Box, { flexDirection: 'column' }, header, ...body);
}

function columnWidths<Row>(columns: Column<Row>[], total: number): number[] {
  const fixed = columns.reduce((sum, c) => sum + c.width, 0) + GAP * (columns.length - 1);
  const flexible = columns.filter((c) => c.width === 0).length;
  const share = flexible > 0 ? Math.max(8, Math.floor((total - fixed) / flexible)) : 0;
  return columns.map((c) => (c.width === 0 ? share : c.width));
}

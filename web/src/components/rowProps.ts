/** Row attributes for browser tests: data-testid="row-<id>" (antd adds data-row-key itself). */
export function rowProps(id: string): React.HTMLAttributes<HTMLElement> {
  return { 'data-testid': `row-${id}` } as React.HTMLAttributes<HTMLElement>;
}

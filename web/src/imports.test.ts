import { describe, expect, it } from 'vitest';
import { initialMapping, mappingProblem, parseCsv, parseErrorReport, progressPercent, setColumn, type ImportJob } from './imports';

const FIELDS = ['contact_name', 'company', 'phone'];

describe('mapping', () => {
  it('starts from the suggestion, one entry per column, unknown fields ignored', () => {
    expect(initialMapping(['姓名', '公司', '备注'], { '0': 'contact_name', '2': 'notes' }, FIELDS)).toEqual({ '0': 'contact_name', '1': '', '2': '' });
    expect(initialMapping(['a'], null, FIELDS)).toEqual({ '0': '' });
  });
  it('keeps a field on one column only', () => {
    const m = setColumn({ '0': 'contact_name', '1': 'company' }, '1', 'contact_name');
    expect(m).toEqual({ '0': '', '1': 'contact_name' });
    expect(setColumn(m, '0', '')).toEqual({ '0': '', '1': 'contact_name' });
  });
  it('needs contact_name', () => {
    expect(mappingProblem({ '0': 'company' })).toBe('noContactName');
    expect(mappingProblem({ '0': 'contact_name' })).toBeNull();
  });
});

describe('progress', () => {
  const job = { status: 'running', total_rows: 8, processed_rows: 3 } as ImportJob;
  it('is the share of processed rows, 100 when finished', () => {
    expect(progressPercent(job)).toBe(37);
    expect(progressPercent({ ...job, total_rows: 0 })).toBe(0);
    expect(progressPercent({ ...job, status: 'failed' })).toBe(100);
  });
});

describe('error report', () => {
  it('parses quoted cells, doubled quotes, newlines and a BOM', () => {
    expect(parseCsv('\uFEFFa,"b,c","d ""e"""\r\n1,"x\ny",\n')).toEqual([
      ['a', 'b,c', 'd "e"'],
      ['1', 'x\ny', ''],
    ]);
  });
  it('reads the rows after the header', () => {
    const text = '\uFEFFrow,field,value,message\n3,phone,abc,"must be a phone number (digits, spaces, +, -, ( and ))"\n';
    expect(parseErrorReport(text)).toEqual([
      { row: 3, field: 'phone', value: 'abc', message: 'must be a phone number (digits, spaces, +, -, ( and ))', kind: 'error' },
    ]);
  });
  it('tells duplicates from errors by the kind column', () => {
    const text = 'row,field,value,message,kind\n2,phone,138,matches customer 甲; skipped,duplicate\n4,email,x,bad,error\n';
    expect(parseErrorReport(text).map((r) => [r.row, r.kind])).toEqual([
      [2, 'duplicate'],
      [4, 'error'],
    ]);
  });
});

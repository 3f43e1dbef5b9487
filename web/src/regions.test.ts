import { describe, expect, it } from 'vitest';
import { buildRegionTree, freeValue, nameOf, pickerValue, regionPatch, regionPath, regionRefusal, regionSubtree, usesText, type Region } from './regions';
import { translate } from './i18n/core';

const r = (id: string, name: string, parent_id: string | null = null, version = 1): Region => ({ id, name, parent_id, created_at: '', updated_at: '', version });

describe('buildRegionTree', () => {
  it('nests children, sorts siblings, keeps orphans and cycles as roots', () => {
    const tree = buildRegionTree([r('e', '华东'), r('sh', '上海', 'e'), r('js', '江苏', 'e'), r('o', '孤儿', 'gone'), r('x', 'X', 'y'), r('y', 'Y', 'x')]);
    const count = (ns: typeof tree): number => ns.reduce((s, n) => s + 1 + count(n.children), 0);
    expect(count(tree)).toBe(6);
    const east = tree.find((n) => n.key === 'e')!;
    expect(east.children.map((n) => n.key).sort()).toEqual(['js', 'sh']);
    expect(tree.some((n) => n.key === 'o')).toBe(true);
  });

  it('finds a subtree and a path', () => {
    const list = [r('e', '华东'), r('js', '江苏', 'e'), r('sz', '苏州', 'js'), r('s', '华南')];
    expect([...regionSubtree(buildRegionTree(list), 'js')].sort()).toEqual(['js', 'sz']);
    expect(regionPath(new Map(list.map((x) => [x.id, x])), 'sz')).toEqual(['华东', '江苏', '苏州']);
  });
});

describe('regionPatch', () => {
  const old = r('js', '江苏', 'e');
  it('sends only what changed, trimmed', () => {
    expect(regionPatch(old, ' 江苏 ', 'e')).toBeNull();
    expect(regionPatch(old, '江苏省', 'e')).toEqual({ name: '江苏省' });
    expect(regionPatch(old, '江苏', 's')).toEqual({ parent_id: 's' });
  });
  it('moves to the top with an empty parent id', () => {
    expect(regionPatch(old, '江苏', null)).toEqual({ parent_id: '' });
    expect(regionPatch(r('t', 'T'), 'T', null)).toBeNull();
  });
});

describe('picker values', () => {
  const list = [r('e', '华东'), r('sh', '上海', 'e')];
  const byId = new Map(list.map((x) => [x.id, x]));
  it('maps a stored name to its region, or to free text', () => {
    expect(pickerValue(list, '上海')).toBe('sh');
    expect(pickerValue(list, ' 西北 ')).toBe(freeValue('西北'));
    expect(pickerValue(list, '')).toBeUndefined();
    expect(pickerValue(list, null)).toBeUndefined();
  });
  it('maps a picker value back to the name', () => {
    expect(nameOf(byId, 'sh')).toBe('上海');
    expect(nameOf(byId, freeValue('西北'))).toBe('西北');
    expect(nameOf(byId, undefined)).toBe('');
  });
});

describe('regionRefusal and usesText', () => {
  const inUse = [{ message: 'in use', location: 'region', value: { reason: 'in_use', leads: 3, customers: 1, rules: 0, webforms: 1 } }];
  it('reads the counts of an in-use 409, else the sub-regions refusal', () => {
    expect(regionRefusal(409, inUse)).toEqual({ reason: 'in_use', uses: { leads: 3, customers: 1, rules: 0, webforms: 1 } });
    expect(regionRefusal(409, [])).toEqual({ reason: 'children' });
    expect(regionRefusal(412, inUse)).toBeNull();
  });

  it('words the non-zero counts in both languages', () => {
    const uses = { leads: 3, customers: 1, rules: 0, webforms: 1 };
    expect(usesText(uses, (k, v) => translate('zh-CN', k, v))).toBe('3 条线索、1 个客户、1 个网页表单');
    expect(usesText(uses, (k, v) => translate('en-US', k, v))).toBe('3 leads, 1 customer, 1 web form');
  });
});

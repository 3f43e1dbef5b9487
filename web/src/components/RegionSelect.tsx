// A region picker over the tenant's territory tree. Leads and customers store a
// region by name, and the API takes any name, so text that names no region can be
// kept too (an offered option, or simply typed and left): a region outside the tree
// is still a region, only no assignment rule's tree reaches it.
import { useMemo, useRef, useState } from 'react';
import { TreeSelect } from 'antd';
import { useI18n } from '../i18n';
import { freeValue, nameOf, pickerValue, type RegionNode } from '../regions';
import { useRegions } from './useRegions';

interface Props {
  value?: string | null;
  /** The region's name; '' when cleared. */
  onChange?: (name: string) => void;
  placeholder?: string;
  allowClear?: boolean;
  style?: React.CSSProperties;
  'data-testid'?: string;
}

type Opt = { value: string; title: string; children?: Opt[] };

function toOptions(nodes: RegionNode[]): Opt[] {
  return nodes.map((n) => ({ value: n.key, title: n.title, children: toOptions(n.children) }));
}

const MAX = 40; // the API's limit on a region name

export function RegionSelect({ value, onChange, placeholder, allowClear = true, style, ...rest }: Props) {
  const { t } = useI18n();
  const regions = useRegions();
  const [search, setSearch] = useState('');
  // What is typed but not chosen yet: leaving the field keeps it, as a text field would.
  const typed = useRef('');
  const current = pickerValue(regions.list, value);
  const typedText = search.trim().slice(0, MAX);

  const treeData = useMemo(() => {
    const opts = toOptions(regions.tree);
    if (current && !regions.byId.has(current)) opts.push({ value: current, title: nameOf(regions.byId, current) });
    if (typedText && !regions.list.some((r) => r.name === typedText) && freeValue(typedText) !== current) {
      opts.push({ value: freeValue(typedText), title: t('region.useTyped', { text: typedText }) });
    }
    return opts;
  }, [regions.tree, regions.byId, regions.list, current, typedText, t]);

  const commit = (v: string | undefined) => {
    typed.current = '';
    setSearch('');
    const name = nameOf(regions.byId, v);
    if (name !== (value ?? '')) onChange?.(name);
  };

  const keepTyped = () => {
    const text = typed.current.trim().slice(0, MAX);
    if (text) commit(pickerValue(regions.list, text));
  };

  return (
    <TreeSelect
      data-testid={rest['data-testid']}
      showSearch
      allowClear={allowClear}
      treeDefaultExpandAll
      value={current}
      searchValue={search}
      onSearch={(s) => {
        typed.current = s;
        setSearch(s);
      }}
      filterTreeNode={(input, node) => String(node.value).startsWith('free:') || String(node.title ?? '').includes(input.trim())}
      onChange={(v) => commit(v as string | undefined)}
      // On close, before the select drops its search text (a click elsewhere, Tab, Escape).
      onOpenChange={(open) => {
        if (!open) keepTyped();
      }}
      onBlur={keepTyped}
      placeholder={placeholder ?? t('region.choose')}
      treeData={treeData}
      loading={regions.loading}
      style={{ width: '100%', ...style }}
      popupMatchSelectWidth={false}
      notFoundContent={t('common.noData')}
    />
  );
}

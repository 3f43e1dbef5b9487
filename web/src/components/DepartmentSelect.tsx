import { TreeSelect } from 'antd';
import { useI18n } from '../i18n';
import type { DeptNode } from '../tree';

interface Props {
  tree: DeptNode[];
  value?: string | null;
  onChange?: (v: string | null) => void;
  placeholder?: string;
  allowClear?: boolean;
  /** Ids that cannot be chosen (a department cannot move under itself). */
  disabledIds?: Set<string>;
  style?: React.CSSProperties;
  'data-testid'?: string;
}

type Opt = { value: string; title: string; disabled?: boolean; children: Opt[] };

function toOptions(nodes: DeptNode[], disabled?: Set<string>): Opt[] {
  return nodes.map((n) => ({
    value: n.key,
    title: n.title,
    disabled: disabled?.has(n.key),
    children: toOptions(n.children, disabled),
  }));
}

export function DepartmentSelect({ tree, value, onChange, placeholder, allowClear = true, disabledIds, style, ...rest }: Props) {
  const { t } = useI18n();
  return (
    <TreeSelect
      data-testid={rest['data-testid']}
      showSearch
      treeNodeFilterProp="title"
      treeDefaultExpandAll
      allowClear={allowClear}
      value={value ?? undefined}
      placeholder={placeholder ?? t('common.chooseDepartment')}
      onChange={(v) => onChange?.((v as string | undefined) ?? null)}
      treeData={toOptions(tree, disabledIds)}
      style={{ width: '100%', ...style }}
      popupMatchSelectWidth={false}
      notFoundContent={t('common.noData')}
    />
  );
}

// The layout the tree-administration pages share (departments, territories):
// the tree in a card on the left; on the right the chosen node's card with
// its actions (add a child, edit, delete after a confirmation) and its
// details and history tabs. Each page keeps its own tree, fields and drawer.
import type { ReactNode } from 'react';
import { Button, Card, Col, Empty, Popconfirm, Row, Space, Spin, Tabs, type ButtonProps } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n';

export interface TreeAdminProps {
  treeTitle: string;
  /** Loading with nothing to show yet: a spinner instead of the tree. */
  loading: boolean;
  /** No nodes at all: emptyText instead of the tree. */
  empty: boolean;
  emptyText: string;
  tree: ReactNode;
  /** The chosen node's title, or undefined when none is chosen (chooseHint is shown). */
  title?: string;
  chooseHint: string;
  detailTestId: string;
  /** The node's actions (NodeActions), or null for a reader. */
  actions: ReactNode;
  details: ReactNode;
  history: ReactNode;
  footer?: ReactNode;
}

export function TreeAdmin(p: TreeAdminProps) {
  const { t } = useI18n();
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} md={10} lg={8}>
        <Card size="small" title={p.treeTitle} styles={{ body: { maxHeight: '70vh', overflow: 'auto' } }}>
          {p.loading ? <Spin /> : p.empty ? <Empty description={p.emptyText} /> : p.tree}
        </Card>
      </Col>
      <Col xs={24} md={14} lg={16}>
        {p.title !== undefined ? (
          <Card size="small" className="rudder-tree-node" title={p.title} data-testid={p.detailTestId} extra={p.actions}>
            <Tabs
              items={[
                { key: 'info', label: t('tab.details'), children: p.details },
                { key: 'history', label: t('tab.history'), children: p.history },
              ]}
            />
            {p.footer}
          </Card>
        ) : (
          <Card size="small">
            <Empty description={p.chooseHint} />
          </Card>
        )}
      </Col>
    </Row>
  );
}

export interface NodeActionsProps {
  addLabel: string;
  onAdd: () => void;
  onEdit: () => void;
  deleteTitle: string;
  deleteDescription?: string;
  onDelete: () => void;
  testIds: { add: string; edit: string; delete: string; deleteOk?: string };
}

/** Add a child, edit, and delete after a confirmation: a tree node's actions. */
export function NodeActions(p: NodeActionsProps) {
  const { t } = useI18n();
  return (
    <Space wrap size={4}>
      <Button size="small" icon={<PlusOutlined />} onClick={p.onAdd} data-testid={p.testIds.add}>
        {p.addLabel}
      </Button>
      <Button size="small" icon={<EditOutlined />} onClick={p.onEdit} data-testid={p.testIds.edit}>
        {t('action.edit')}
      </Button>
      <Popconfirm
        title={p.deleteTitle}
        description={p.deleteDescription}
        onConfirm={p.onDelete}
        okText={t('action.delete')}
        okButtonProps={{ danger: true, 'data-testid': p.testIds.deleteOk } as ButtonProps}
        cancelText={t('action.cancel')}
      >
        <Button size="small" danger icon={<DeleteOutlined />} data-testid={p.testIds.delete}>
          {t('action.delete')}
        </Button>
      </Popconfirm>
    </Space>
  );
}

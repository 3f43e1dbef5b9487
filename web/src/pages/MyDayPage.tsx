// "My day" (我的一天): today's tasks and visits, what is overdue, and unread reminders.
// A task is completed here in one click; each item links to its lead, customer or the board.
import { useCallback, useEffect, useState } from 'react';
import { App, Badge, Button, Card, Col, Empty, List, Row, Space, Tag, Typography } from 'antd';
import { CheckOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import dayjs from 'dayjs';
import { api } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useApiError } from '../errors';
import { formatDateTime } from '../format';
import { PageHeader } from '../components/PageHeader';
import { browserTimeZone, canCompleteInOneClick, subjectPath, withoutActivity, type DayActivity, type InboxItem, type MyDay } from '../myday';
import type { Lead, Page } from '../types';
import { LeadDrawer } from './LeadDrawer';

type Section = 'tasks' | 'visits' | 'overdue';

export default function MyDayPage() {
  const { t } = useI18n();
  return (
    <div>
      <PageHeader title={t('nav.myDay')} />
      <MyDayPanel />
    </div>
  );
}

/** The whole of "my day"; also the home page's main panel. */
export function MyDayPanel() {
  const { t } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const [day, setDay] = useState<MyDay | null>(null);
  const [inbox, setInbox] = useState<InboxItem[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [lead, setLead] = useState<Lead | null>(null);
  const [leadOpen, setLeadOpen] = useState(false);
  const canWrite = can('activity.write');

  const load = useCallback(async () => {
    try {
      const [d, ib] = await Promise.all([
        api.get<MyDay>('/my-day', { tz: browserTimeZone() }),
        api.get<Page<InboxItem>>('/inbox', { unread: true, limit: 20 }),
      ]);
      setDay(d);
      setInbox(ib.items ?? []);
    } catch (e) {
      onError(e);
    }
  }, [onError]);
  useEffect(() => {
    void load();
  }, [load]);

  const complete = async (a: DayActivity) => {
    setBusy(a.id);
    try {
      await api.patch(`/activities/${a.id}`, { status: 'done' }, a.version);
      message.success(t('myday.completed', { title: a.title }));
      setDay((d) => (d ? withoutActivity(d, a.id) : d));
    } catch (e) {
      onError(e, undefined, () => void load());
    } finally {
      setBusy(null);
    }
  };

  const markRead = async (it: InboxItem) => {
    try {
      await api.post(`/inbox/${it.id}/read`);
      setInbox((xs) => xs.filter((x) => x.id !== it.id));
    } catch (e) {
      onError(e);
    }
  };

  const openLead = async (id: string) => {
    try {
      setLead(await api.get<Lead>(`/leads/${id}`));
      setLeadOpen(true);
    } catch (e) {
      onError(e);
    }
  };

  const subjectLink = (a: DayActivity) => {
    const label = t('myday.open', { what: t(`myday.subject.${a.subject_type}`) });
    if (a.subject_type === 'lead') {
      return (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => void openLead(a.subject_id)} data-testid={`open-subject-${a.id}`}>
          {label}
        </Button>
      );
    }
    const to = subjectPath(a);
    return to ? (
      <Link to={to} data-testid={`open-subject-${a.id}`}>
        {label}
      </Link>
    ) : null;
  };

  const item = (a: DayActivity, section: Section) => {
    const when = a.status === 'done' ? a.occurred_at : a.due_at;
    const time = section === 'overdue' ? formatDateTime(when) : when ? dayjs(when).format('HH:mm') : '';
    return (
      <List.Item
        key={a.id}
        data-testid={`activity-${a.id}`}
        actions={
          canWrite && canCompleteInOneClick(a)
            ? [
                <Button key="done" size="small" icon={<CheckOutlined />} loading={busy === a.id} onClick={() => void complete(a)} data-testid={`complete-${a.id}`}>
                  {t('myday.complete')}
                </Button>,
              ]
            : undefined
        }
      >
        <List.Item.Meta
          title={
            <Space size={4} wrap>
              <Tag color={a.kind === 'task' ? 'blue' : a.kind === 'visit' ? 'purple' : undefined}>{t(`myday.kind.${a.kind}`)}</Tag>
              <span>{a.title}</span>
              {a.status === 'done' ? <Tag color="green">{t('myday.visitDone')}</Tag> : null}
            </Space>
          }
          description={
            <Space size={8} wrap>
              {time ? <Typography.Text type={section === 'overdue' ? 'danger' : 'secondary'}>{t('myday.due', { time })}</Typography.Text> : null}
              {a.kind === 'visit' && a.commitment ? <Typography.Text type="secondary">{t('myday.commitment', { text: a.commitment })}</Typography.Text> : null}
              {subjectLink(a)}
            </Space>
          }
        />
      </List.Item>
    );
  };

  const section = (key: Section, title: string, items: DayActivity[] | undefined, empty: string) => (
    <Card
      title={
        <Space>
          {title}
          <Badge count={items?.length ?? 0} showZero color={key === 'overdue' && items?.length ? 'red' : '#bfbfbf'} />
        </Space>
      }
      size="small"
      data-testid={`myday-${key}`}
      loading={!day}
    >
      <List size="small" dataSource={items ?? []} renderItem={(a) => item(a, key)} locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty} /> }} />
    </Card>
  );

  return (
    <div data-testid="myday">
      {day ? (
        <Typography.Paragraph type="secondary" data-testid="myday-date">
          {t('myday.subtitle', { date: day.date })}
        </Typography.Paragraph>
      ) : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          {section('tasks', t('myday.tasks'), day?.tasks_due_today, t('myday.noTasks'))}
        </Col>
        <Col xs={24} lg={12}>
          {section('visits', t('myday.visits'), day?.visits_today, t('myday.noVisits'))}
        </Col>
        <Col xs={24} lg={12}>
          {section('overdue', t('myday.overdue'), day?.overdue, t('myday.noOverdue'))}
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('myday.inbox')} size="small" data-testid="myday-inbox">
            <List
              size="small"
              dataSource={inbox}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('myday.noInbox')} /> }}
              renderItem={(it) => (
                <List.Item
                  key={it.id}
                  data-testid={`inbox-${it.id}`}
                  actions={[
                    <Button key="read" type="link" size="small" onClick={() => void markRead(it)} data-testid={`read-${it.id}`}>
                      {t('myday.markRead')}
                    </Button>,
                  ]}
                >
                  <List.Item.Meta title={it.title} description={it.due_at ? t('myday.due', { time: formatDateTime(it.due_at) }) : formatDateTime(it.created_at)} />
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
      <LeadDrawer
        open={leadOpen}
        lead={lead}
        onClose={() => setLeadOpen(false)}
        onSaved={(l) => {
          setLead(l);
          setLeadOpen(false);
        }}
        onStale={() => lead && void openLead(lead.id)}
      />
    </div>
  );
}

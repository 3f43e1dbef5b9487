// The attachments (附件) of one record: upload (at most 20 MiB; the server sniffs the type and refuses
// HTML, executables and other types off its allow-list), a list with download links, and delete.
// Drop it into a record page: <Attachments objectType="customer" objectId={id} />.
import { useState } from 'react';
import { App, Button, Card, Empty, List, Popconfirm, Typography, Upload } from 'antd';
import { DeleteOutlined, DownloadOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { api, API_BASE, ApiError, type Problem } from '../api';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { describeError, useApiError } from '../errors';
import { formatDateTime } from '../format';
import { LoadMore } from './LoadMore';
import { useCursorList } from './useCursorList';

export type AttachmentObjectType = 'customer' | 'lead' | 'opportunity' | 'contact';

export interface Attachment {
  id: string;
  object_type: AttachmentObjectType;
  object_id: string;
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  created_by: string;
  created_by_name: string;
  created_at: string;
  version: number;
}

/** The largest file the server accepts. */
export const MAX_ATTACHMENT_BYTES = 20 << 20;

/** The permission that lets a user change a record of each type (and so its attachments). */
const WRITE_PERMISSION: Record<AttachmentObjectType, string> = {
  customer: 'customer.write',
  contact: 'customer.write',
  lead: 'lead.write',
  opportunity: 'deal.write',
};

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1 << 20)).toFixed(1)} MiB`;
}

/** Uploads one file as multipart form data (the JSON api helper cannot). */
export async function uploadAttachment(objectType: AttachmentObjectType, objectId: string, file: File): Promise<Attachment> {
  const form = new FormData();
  form.append('object_type', objectType);
  form.append('object_id', objectId);
  form.append('file', file, file.name);
  const res = await fetch(`${API_BASE}/attachments`, { method: 'POST', body: form, credentials: 'same-origin' });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { detail: text.slice(0, 300) };
  }
  if (!res.ok) throw new ApiError(res.status, (parsed ?? {}) as Problem);
  return parsed as Attachment;
}

export function Attachments({ objectType, objectId }: { objectType: AttachmentObjectType; objectId: string }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const onError = useApiError();
  const [uploading, setUploading] = useState(false);
  const list = useCursorList<Attachment>('/attachments', { object_type: objectType, object_id: objectId }, onError, 20);
  const canWrite = can(WRITE_PERMISSION[objectType]);

  const upload = async (file: File) => {
    if (file.size > MAX_ATTACHMENT_BYTES) {
      message.error(t('att.tooLarge', { name: file.name }));
      return;
    }
    setUploading(true);
    try {
      await uploadAttachment(objectType, objectId, file);
      message.success(t('att.uploaded', { name: file.name }));
      list.reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 415) message.error(t('att.unsupported', { name: file.name }));
      else if (e instanceof ApiError) message.error(describeError(e, t));
      else onError(e);
    } finally {
      setUploading(false);
    }
  };

  const remove = async (a: Attachment) => {
    try {
      await api.del(`/attachments/${a.id}`, { version: a.version });
      message.success(t('att.deleted', { name: a.file_name }));
      list.reload();
    } catch (e) {
      onError(e, undefined, list.reload);
    }
  };

  return (
    <Card
      size="small"
      title={t('att.title')}
      data-testid="attachments"
      extra={
        canWrite ? (
          <Upload
            showUploadList={false}
            multiple
            beforeUpload={(file) => {
              void upload(file);
              return false; // uploaded by upload(), not by antd
            }}
          >
            <Button icon={<UploadOutlined />} loading={uploading} data-testid="upload-attachment">
              {t('att.upload')}
            </Button>
          </Upload>
        ) : null
      }
    >
      {canWrite ? (
        <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 8 }}>
          {t('att.hint')}
        </Typography.Text>
      ) : null}
      {list.items.length === 0 && !list.loading ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('att.empty')} />
      ) : (
        <List<Attachment>
          size="small"
          loading={list.loading && list.items.length === 0}
          dataSource={list.items}
          renderItem={(a) => (
            <List.Item
              actions={[
                <a key="download" href={`${API_BASE}/attachments/${a.id}/content`} download={a.file_name} title={t('att.download')}>
                  <DownloadOutlined />
                </a>,
                canWrite ? (
                  <Popconfirm key="delete" title={t('att.deleteConfirm', { name: a.file_name })} onConfirm={() => remove(a)}>
                    <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('action.delete')} />
                  </Popconfirm>
                ) : null,
              ].filter(Boolean)}
            >
              <List.Item.Meta
                avatar={<PaperClipOutlined />}
                title={
                  <a href={`${API_BASE}/attachments/${a.id}/content`} download={a.file_name}>
                    {a.file_name}
                  </a>
                }
                description={t('att.meta', {
                  size: formatBytes(a.size),
                  by: a.created_by_name,
                  at: formatDateTime(a.created_at),
                })}
              />
            </List.Item>
          )}
        />
      )}
      <LoadMore hasMore={list.hasMore} loading={list.loading} onClick={list.loadMore} count={list.items.length} />
    </Card>
  );
}

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { AuditEntry, Payment, Session, SessionStatus, Zone } from '../../src-shared/contracts/entities.js';
import { SESSION_STATUSES } from '../../src-shared/contracts/entities.js';
import { call } from '../api/client.js';
import { CheckField, SelectField, TextField } from '../components/Field.js';
import { ReprintButtons } from '../components/ReprintButtons.js';
import { RefundForm } from '../components/desk/RefundForm.js';
import { timelineAction, timelineDetail } from '../components/desk/timeline-text.js';
import { useSession } from '../stores/session.js';
import { canTakePayment } from '../stores/ui.js';
import { errorText, useT } from '../i18n/index.js';
import { formatDateTime, formatINR } from '../lib/format.js';
import { useApiAction } from '../lib/use-api-action.js';
import { useLanguage } from '../stores/language.js';

const PAGE = 12;

interface Filters {
  q: string;
  status: '' | SessionStatus;
  zoneId: string;
  lostOnly?: boolean;
}

export function StatusBadge({ status }: { status: SessionStatus }) {
  const t = useT();
  return <span className={`status status-${status.toLowerCase()}`}>{t(`status.${status}`)}</span>;
}

export function SessionsScreen() {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  const [draft, setDraft] = useState<Filters>({ q: '', status: '', zoneId: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const [zones, setZones] = useState<Zone[]>([]);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState(0);
  const [items, setItems] = useState<Session[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const listing = useApiAction();
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    call('zones.list', { includeInactive: true }).then(setZones, () => setZones([]));
  }, []);

  // Search and paging are disabled while a page loads, so every load the filters ask for runs.
  const load = useCallback(async (f: Filters, cursor: string | undefined) => {
    const r = await listing.run(
      () =>
        call('sessions.list', {
          limit: PAGE,
          ...(f.q.trim() ? { q: f.q.trim() } : {}),
          ...(f.status ? { status: f.status } : {}),
          ...(f.zoneId ? { zoneId: f.zoneId } : {}),
          ...(f.lostOnly ? { lostTicket: true } : {}),
          ...(cursor ? { cursor } : {}),
        }),
      () => setItems([]),
    );
    if (!r) return;
    setItems(r.items);
    setNextCursor(r.nextCursor);
  }, [listing.run]);

  useEffect(() => {
    void load(filters, cursors[page]);
  }, [filters, page, cursors, load]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setCursors([undefined]);
    setPage(0);
    setFilters({ ...draft });
  };

  const next = () => {
    if (!nextCursor) return;
    setCursors((c) => [...c.slice(0, page + 1), nextCursor]);
    setPage((p) => p + 1);
  };

  if (selected) return <SessionDetail sessionId={selected} onBack={() => setSelected(null)} />;

  return (
    <div className="screen screen-sessions">
      <h1 className="screen-title">{t('sessions.title')}</h1>
      <form className="filters" onSubmit={apply}>
        <TextField label={t('sessions.search')} value={draft.q} onValue={(q) => setDraft({ ...draft, q })} type="search" autoComplete="off" />
        <SelectField
          label={t('sessions.status')}
          value={draft.status}
          onValue={(v) => setDraft({ ...draft, status: v as Filters['status'] })}
          options={[{ value: '', label: t('common.all') }, ...SESSION_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))]}
        />
        <SelectField
          label={t('sessions.zone')}
          value={draft.zoneId}
          onValue={(v) => setDraft({ ...draft, zoneId: v })}
          options={[{ value: '', label: t('common.all') }, ...zones.map((z) => ({ value: z.id, label: z.name }))]}
        />
        <CheckField label={t('desk.sessions.lostOnly')} checked={Boolean(draft.lostOnly)} onChecked={(lostOnly) => setDraft({ ...draft, lostOnly })} />
        <button data-main-action type="submit" className="btn btn-primary" disabled={listing.busy} aria-busy={listing.busy}>{t('sessions.apply')}</button>
      </form>
      {listing.error != null && <div className="notice notice-error" role="alert">{errorText(t, listing.error)}</div>}
      <div className="table-wrap">
        <table className="table" data-testid="sessions-table">
          <thead>
            <tr>
              <th scope="col">{t('sessions.col.vehicle')}</th>
              <th scope="col">{t('sessions.col.zoneSlot')}</th>
              <th scope="col">{t('sessions.col.status')}</th>
              <th scope="col">{t('sessions.col.entry')}</th>
              <th scope="col">{t('sessions.col.exit')}</th>
              <th scope="col" className="num">{t('sessions.col.paid')}</th>
            </tr>
          </thead>
          <tbody>
            {items === null && (
              <tr>
                <td colSpan={6} className="muted">{t('common.loading')}</td>
              </tr>
            )}
            {items?.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">{t('sessions.empty')}</td>
              </tr>
            )}
            {items?.map((s) => (
              <tr key={s.id}>
                <td>
                  <button type="button" className="link-btn" onClick={() => setSelected(s.id)} aria-label={t('sessions.open', { vehicle: s.vehicleNumber })}>
                    {s.vehicleNumber}
                  </button>
                  {s.conflict && <span className="tag tag-warn">{t('sessions.conflict')}</span>}
                  {s.lostTicket && <span className="tag tag-warn" data-testid="lost-tag">{t('sessions.lost')}</span>}
                </td>
                <td>{s.zoneName} / {s.slotNumber}</td>
                <td><StatusBadge status={s.status} /></td>
                <td>{formatDateTime(s.entryAt ?? s.bookedAt, lang)}</td>
                <td>{formatDateTime(s.exitAt, lang)}</td>
                <td className="num">{formatINR(s.amountPaidPaise)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label={t('sessions.page', { n: page + 1 })}>
        <button type="button" className="btn btn-secondary" disabled={listing.busy || page === 0} onClick={() => setPage((p) => p - 1)}>
          ‹ {t('sessions.prev')}
        </button>
        <span className="pager-page">{t('sessions.page', { n: page + 1 })}</span>
        <button type="button" className="btn btn-secondary" disabled={listing.busy || !nextCursor} onClick={next}>
          {t('sessions.next')} ›
        </button>
      </nav>
    </div>
  );
}

export function SessionDetail({ sessionId, onBack }: { sessionId: string; onBack(): void }) {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  const [session, setSession] = useState<(Session & { payments: Payment[] }) | null>(null);
  const [timeline, setTimeline] = useState<AuditEntry[] | null>(null);
  // Not a single-flight action: a load started again (a reload, an effect run twice) must never be dropped.
  const [loading, setLoading] = useState<{ busy: boolean; error: unknown }>({ busy: true, error: null });
  const [reloads, setReloads] = useState(0);
  // Kept here: the reload after a refund shows the payment REFUNDED, and its form goes away.
  const [refundDone, setRefundDone] = useState<string | null>(null);
  const canRefund = canTakePayment(useSession((s) => s.operator?.role ?? 'ATTENDANT'));

  useEffect(() => {
    let live = true;
    setLoading({ busy: true, error: null });
    call('sessions.get', { sessionId }).then(
      (s) => live && (setSession(s), setLoading({ busy: false, error: null })),
      (error: unknown) => live && setLoading({ busy: false, error }),
    );
    call('sessions.timeline', { sessionId }).then((tl) => live && setTimeline(tl), () => live && setTimeline([]));
    return () => {
      live = false;
    };
  }, [sessionId, reloads]);

  return (
    <div className="screen screen-detail">
      <div className="detail-head">
        <button type="button" className="btn btn-secondary" onClick={onBack}>‹ {t('common.back')}</button>
        <h1 className="screen-title">{t('sessions.detail')}</h1>
      </div>
      {loading.error != null && <div className="notice notice-error" role="alert">{errorText(t, loading.error)}</div>}
      {loading.busy && !session && <p className="muted" role="status">{t('common.loading')}</p>}
      {session && (
        <div className="detail-grid">
          <section className="card" aria-labelledby="detail-vehicle">
            <h2 id="detail-vehicle" className="card-title">
              {session.vehicleNumber} <StatusBadge status={session.status} />
            </h2>
            {session.conflict && <p className="notice notice-warn">{t('sessions.conflict')}</p>}
            {session.lostTicket && <p className="notice notice-warn">{t('sessions.lost')}</p>}
            <dl className="facts">
              <dt>{t('exit.zoneSlot')}</dt>
              <dd>{session.zoneName} / {session.slotNumber}</dd>
              <dt>{t('sessions.booked')}</dt>
              <dd>{formatDateTime(session.bookedAt, lang)}</dd>
              <dt>{t('sessions.col.entry')}</dt>
              <dd>{formatDateTime(session.entryAt, lang)}</dd>
              <dt>{t('sessions.col.exit')}</dt>
              <dd>{formatDateTime(session.exitAt, lang)}</dd>
              <dt>{t('exit.amountDue')}</dt>
              <dd>{session.amountDuePaise === null ? '—' : formatINR(session.amountDuePaise)}</dd>
              <dt>{t('sessions.col.paid')}</dt>
              <dd>{formatINR(session.amountPaidPaise)}</dd>
              <dt>{t('ticket.code')}</dt>
              <dd className="code-text">{session.code}</dd>
            </dl>
            <ReprintButtons session={session} />
            <h3>{t('sessions.payments')}</h3>
            {refundDone !== null && <p className="notice notice-ok" role="status" data-testid="refund-done">{refundDone}</p>}
            {session.payments.length === 0 ? (
              <p className="muted">{t('sessions.noPayments')}</p>
            ) : (
              <ul className="plain-list">
                {session.payments.map((p) => (
                  <li key={p.id}>
                    <strong>{t(`desk.method.${p.method}`)}</strong> {formatINR(p.amountPaise)} · {t(`exit.pay.${p.status}`)} · {formatDateTime(p.completedAt ?? p.createdAt, lang)}
                    {session.status === 'COMPLETED' && p.method === 'CASH' && p.status === 'SUCCESS' && canRefund && <RefundForm payment={p} onDone={(text) => { setRefundDone(text); setReloads((n) => n + 1); }} />}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title" className="card-title">{t('sessions.timeline')}</h2>
            {timeline === null && <p className="muted">{t('common.loading')}</p>}
            {timeline?.length === 0 && <p className="muted">{t('sessions.noTimeline')}</p>}
            <ol className="timeline" data-testid="timeline">
              {timeline?.map((e) => (
                <li key={e.id}>
                  <span className="timeline-time">{formatDateTime(e.at, lang)}</span>
                  <span className="timeline-action" data-action={e.action}>{timelineAction(t, e.action)}</span>
                  <span className="timeline-who">{e.operatorName ?? ''}</span>
                  <span className="timeline-detail">{timelineDetail(t, e)}</span>
                </li>
              ))}
            </ol>
          </section>
        </div>
      )}
    </div>
  );
}

import { useEffect, useState } from 'react';
import type { DeviceHealth } from '../../src-shared/contracts/devices.js';
import type { PrintJob } from '../../src-shared/contracts/print.js';
import { call } from '../api/client.js';
import { useT } from '../i18n/index.js';

const PROBLEM_KEYS = {
  PAPER_OUT: 'print.problem.PAPER_OUT',
  COVER_OPEN: 'print.problem.COVER_OPEN',
  OFFLINE: 'print.problem.OFFLINE',
  PRINTER_ERROR: 'print.problem.PRINTER_ERROR',
  TIMEOUT: 'print.problem.TIMEOUT',
  DISCONNECTED: 'print.problem.DISCONNECTED',
  BAD_REPLY: 'print.problem.BAD_REPLY',
} as const;

export interface TicketPrintState {
  /** null until known; false: no lane printer (the browser print is the way). */
  configured: boolean | null;
  job: PrintJob | null;
  printer: DeviceHealth | null;
}

/** Follows the lane printer's job for this ticket (queued by the core when the ticket was issued). */
export function useTicketPrint(sessionId: string): TicketPrintState {
  const [state, setState] = useState<TicketPrintState>({ configured: null, job: null, printer: null });
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const tick = async () => {
      try {
        const [status, jobs, health] = await Promise.all([
          call('print.status', {}), call('print.jobs', { sessionId }), call('system.health', {}),
        ]);
        if (!live) return;
        const job = jobs.filter((j) => j.kind === 'TICKET').at(-1) ?? null;
        setState({ configured: status.configured, job, printer: health.devices?.find((d) => d.device === 'printer') ?? null });
        if (status.configured && job?.status !== 'DONE') timer = setTimeout(() => void tick(), 1000);
      } catch {
        if (live) timer = setTimeout(() => void tick(), 2000);
      }
    };
    void tick();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [sessionId]);
  return state;
}

/** Printed / printing / waiting for the printer (with why, so the attendant shows the QR on screen). */
export function TicketPrintStatus({ state }: { state: TicketPrintState }) {
  const t = useT();
  const { configured, job, printer } = state;
  if (!configured || !job) return null;
  if (job.status === 'DONE') return <p className="notice notice-ok" role="status" data-testid="ticket-print-status" data-state="printed">{t('print.printed')}</p>;
  if (printer?.state === 'fault') {
    const key = PROBLEM_KEYS[(printer.reason ?? '') as keyof typeof PROBLEM_KEYS] ?? 'print.problem.other';
    return (
      <p className="notice notice-warn" role="alert" data-testid="ticket-print-status" data-state="waiting" data-reason={printer.reason ?? ''}>
        {t('print.waiting', { problem: t(key) })}
      </p>
    );
  }
  return <p className="notice" role="status" data-testid="ticket-print-status" data-state="printing">{t('print.printing')}</p>;
}

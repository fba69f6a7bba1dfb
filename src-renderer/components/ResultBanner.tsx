import type { ReactNode } from 'react';

export type ResultKind = 'ok' | 'error' | 'info' | 'gate';

interface Props {
  kind: ResultKind;
  title: string;
  big?: ReactNode;
  lines?: ReactNode[];
  action?: ReactNode;
  /** Which scan this result answers (for tests and the bench). */
  scanSeq?: number;
  code?: string;
  errorCode?: string;
}

/** The big green / red answer to a scan, readable from a metre away. */
export function ResultBanner({ kind, title, big, lines, action, scanSeq, code, errorCode }: Props) {
  return (
    <section
      className={`result result-${kind}`}
      role={kind === 'error' ? 'alert' : 'status'}
      data-testid="scan-result"
      data-kind={kind}
      data-scan-seq={scanSeq}
      data-code={code}
      data-error-code={errorCode}
    >
      <div className="result-icon" aria-hidden="true">
        {kind === 'error' ? '✕' : kind === 'info' ? 'ℹ' : '✓'}
      </div>
      <div className="result-body">
        <h2 className="result-title">{title}</h2>
        {big !== undefined && <div className="result-big">{big}</div>}
        {lines?.map((l, i) => (
          <p className="result-line" key={i}>
            {l}
          </p>
        ))}
        {action && <div className="result-action">{action}</div>}
      </div>
    </section>
  );
}

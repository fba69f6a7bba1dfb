import { useEffect, useState } from 'react';
import QRCode from 'qrcode';

/** A QR code drawn locally by `qrcode` (no network) as a PNG data URL. */
export function QrImage({ text, alt, size = 280, className }: { text: string; alt: string; size?: number; className?: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 4, width: size, color: { dark: '#000000', light: '#ffffff' } })
      .then((url) => {
        if (live) setSrc(url);
      })
      .catch(() => {
        if (live) setSrc(null);
      });
    return () => {
      live = false;
    };
  }, [text, size]);
  if (!src) return <div className={`qr-placeholder ${className ?? ''}`} style={{ width: size, height: size }} aria-hidden="true" />;
  return <img className={className} src={src} alt={alt} width={size} height={size} data-qr-text={text} />;
}

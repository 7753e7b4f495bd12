// Anomalies in words, with sequence numbers: `#4713 arrived before #4712`.
import type { TrafficAnomaly } from './types';

export type RawAnomaly = Omit<TrafficAnomaly, 'text'>;

export function describeAnomaly(a: RawAnomaly): string {
  const frame = a.seq !== undefined ? `#${a.seq}` : `message ${a.message}`;
  const size = a.bytes !== undefined ? ` (${a.bytes} bytes)` : '';
  switch (a.kind) {
    case 'duplicate':
      return `${frame} arrived twice`;
    case 'reordered':
      return `#${a.after} arrived before ${frame}` + (a.detail === 'late' ? ' (too late to tell it from a duplicate)' : '');
    case 'boundary':
      if (a.detail === 'truncated') return `message ${a.message} was longer than the receive buffer (truncated to ${a.bytes} bytes): boundaries not preserved`;
      return `message ${a.message} is ${a.bytes} bytes but carries a frame of ${a.expectedBytes}${a.seq !== undefined ? ` (${frame})` : ''}: boundaries not preserved`;
    case 'framing':
      if (a.detail === 'eof') return `the stream ended inside a frame at byte ${a.bytes ?? 0}`;
      return `stream framing lost at byte ${a.bytes ?? 0} (${a.detail === 'length' ? 'impossible frame length' : 'no frame header there'}); the rest was not counted`;
    case 'corrupt':
      switch (a.detail) {
        case 'checksum':
          return `${frame}${size} failed its checksum`;
        case 'short':
          return `message ${a.message}${size} is shorter than a frame header`;
        case 'too-many-senders':
          return `message ${a.message} comes from one sender too many (${a.sender ?? 'unknown'})`;
        default:
          return `message ${a.message}${size} is not a sequence frame`;
      }
  }
}

// Lets TSX type-check the Timpora tags (React 19 reads custom element props from JSX.IntrinsicElements).
import type { ForeignerRecord } from 'timpora-kit/sdk';
import type { RecordSavedEvent } from 'timpora-kit';
import type { DetailedHTMLProps, HTMLAttributes } from 'react';

type Base = DetailedHTMLProps<HTMLAttributes<HTMLElement>, HTMLElement>;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'timpora-provider': Base & { 'db-name'?: string; agency?: string; 'server-url'?: string };
      'timpora-foreigner-form': Base & {
        name?: string;
        record?: ForeignerRecord;
        'ontimpora-record-saved'?: (event: RecordSavedEvent) => void;
      };
    }
  }
}

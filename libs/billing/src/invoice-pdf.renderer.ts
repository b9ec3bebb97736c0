import { Injectable } from '@nestjs/common';
import PDFDocument from 'pdfkit';
import type { InvoiceRecord } from './billing.types';
import { formatMoney } from './money.util';

export interface InvoiceParty {
  name: string;
  lines: string[];
}

const day = (d: Date | null): string => (d ? d.toISOString().slice(0, 10) : '-');

/** Renders an invoice as a PDF (pdfkit, built-in Helvetica): seller, buyer, number, dates, lines, tax, totals. */
@Injectable()
export class InvoicePdfRenderer {
  render(invoice: InvoiceRecord, seller: InvoiceParty, buyer: InvoiceParty): Promise<Buffer> {
    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Invoice ${invoice.number ?? ''}`, Author: seller.name } });
    const chunks: Buffer[] = [];
    const done = new Promise<Buffer>((resolve, reject) => {
      doc.on('data', (chunk: Buffer) => chunks.push(chunk));
      doc.on('end', () => resolve(Buffer.concat(chunks)));
      doc.on('error', reject);
    });
    const money = (amount: bigint) => formatMoney({ amount, currency: invoice.currency });

    doc.fontSize(20).text(`Invoice ${invoice.number ?? '(draft)'}`);
    doc.moveDown(0.5).fontSize(10);
    doc.text(`Status: ${invoice.status}`);
    doc.text(`Issued: ${day(invoice.finalizedAt)}`);
    doc.text(`Due: ${day(invoice.dueAt)}`);
    if (invoice.paidAt) doc.text(`Paid: ${day(invoice.paidAt)}`);
    if (invoice.periodStart && invoice.periodEnd) doc.text(`Period: ${day(invoice.periodStart)} to ${day(invoice.periodEnd)}`);

    doc.moveDown().fontSize(11).text('From');
    doc.fontSize(10).text(seller.name);
    for (const line of seller.lines) doc.text(line);
    doc.moveDown().fontSize(11).text('Bill to');
    doc.fontSize(10).text(buyer.name);
    for (const line of buyer.lines) doc.text(line);

    doc.moveDown().fontSize(11).text('Lines');
    doc.fontSize(10);
    for (const line of invoice.lines) {
      const period = line.periodStart && line.periodEnd ? ` (${day(line.periodStart)} to ${day(line.periodEnd)})` : '';
      doc.text(`${line.description}${period}: ${line.quantity} x ${money(line.unitAmount)} = ${money(line.amount)}`);
    }
    doc.moveDown();
    doc.text(`Subtotal: ${money(invoice.subtotal)}`);
    doc.text(`Tax (${(invoice.taxRateBps / 100).toFixed(2)} %): ${money(invoice.tax)}`);
    doc.fontSize(12).text(`Total: ${money(invoice.total)}`);
    doc.fontSize(10).text(`Amount paid: ${money(invoice.amountPaid)}`);
    doc.text(`Amount due: ${money(invoice.total - invoice.amountPaid)}`);
    doc.end();
    return done;
  }
}

import { readFileSync } from 'node:fs';
import { Injectable } from '@nestjs/common';
import { NICE_CLASSES_FILE } from '../trademarks-data';

/** One Nice class as the API lists it. */
export interface NiceClass {
  class: number;
  kind: 'good' | 'service';
  /** The class heading: its items joined as WIPO prints them. */
  heading: string;
}

interface NiceClassEntry {
  class: number;
  kind: 'good' | 'service';
  heading: string[];
}

/** Reads and checks the shipped classification (data/nice/classes.json): all 45 classes or an error. */
export function readNiceClasses(file = NICE_CLASSES_FILE): NiceClass[] {
  const entries = JSON.parse(readFileSync(file, 'utf8')) as NiceClassEntry[];
  const classes = entries
    .map((e) => ({ class: e.class, kind: e.kind, heading: e.heading.join('; ') }))
    .sort((a, b) => a.class - b.class);
  const numbers = classes.map((c) => c.class).join(',');
  if (numbers !== Array.from({ length: 45 }, (_, i) => i + 1).join(',')) throw new Error(`${file}: expected Nice classes 1 to 45, found ${numbers}`);
  return classes;
}

/** The Nice classification (12th edition, 2024) shipped in data/nice; read once, on first use. */
@Injectable()
export class NiceClassification {
  private classes: NiceClass[] | null = null;

  list(): NiceClass[] {
    this.classes ??= readNiceClasses();
    return this.classes;
  }
}

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ClassModel, NiceClassInfo, TrainingDoc } from './model';
import { trainClassModel } from './model';
import { NiceClassifier } from './classifier';
import { FEATURES_VERSION } from './text';

const RUNNING_TYPESCRIPT = __filename.endsWith('.ts');
/** The project's data/: four levels above this file in the source tree, five in dist/. */
export const PROJECT_DATA_DIR = resolve(__dirname, RUNNING_TYPESCRIPT ? '../../../..' : '../../../../..', 'data');
export const NICE_DIR = resolve(PROJECT_DATA_DIR, 'nice');
/** The trained artifact (not committed: `npm run train:classes` and the build write it). */
export const CLASS_MODEL_FILE = resolve(PROJECT_DATA_DIR, 'models/nice-classes.json');
export const DEV_SET_FILE = resolve(PROJECT_DATA_DIR, 'eval/nice-descriptions-dev.tsv');

interface ClassEntry {
  class: number;
  kind: 'good' | 'service';
  heading: string[];
  introduction?: string;
  includes?: string[];
  excludes?: string[];
}

/** The classes and the labelled documents of data/nice (terms.tsv, classes.json). */
export function readTrainingData(dir = NICE_DIR): { classes: NiceClassInfo[]; docs: TrainingDoc[] } {
  const entries = (JSON.parse(readFileSync(resolve(dir, 'classes.json'), 'utf8')) as ClassEntry[]).sort((a, b) => a.class - b.class);
  const classes = entries.map((e) => ({ class: e.class, kind: e.kind, heading: e.heading.join('; ') }));
  const docs: TrainingDoc[] = [];
  for (const line of readFileSync(resolve(dir, 'terms.tsv'), 'utf8').split('\n').slice(1)) {
    const [cls, , , term] = line.split('\t');
    if (!cls || !term) continue;
    docs.push({ class: Number(cls), text: term.replace(/\*/g, ''), source: 'term' });
  }
  for (const e of entries) {
    for (const h of e.heading) docs.push({ class: e.class, text: h, source: 'heading' });
    for (const i of e.includes ?? []) docs.push({ class: e.class, text: i, source: 'includes' });
    for (const x of e.excludes ?? []) docs.push({ class: e.class, text: x.replace(/\(\s*\)/g, ''), source: 'excludes' });
  }
  return { classes, docs };
}

export interface LabelledDescription {
  description: string;
  classes: number[];
}

/** An evaluation set (description, classes primary first, note). */
export function readDescriptions(file = DEV_SET_FILE): LabelledDescription[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [description, classes] = l.split('\t');
      return { description: description ?? '', classes: (classes ?? '').split(',').map(Number) };
    });
}

/**
 * Trains from data/nice, then fits the Platt calibration (two parameters) on the top-5 scores
 * of the development descriptions when that set is present: the ranking itself never sees them.
 */
export function trainFromData(dir = NICE_DIR, devSet = DEV_SET_FILE): ClassModel {
  const { classes, docs } = readTrainingData(dir);
  const model = trainClassModel(classes, docs);
  if (!existsSync(devSet)) return model;
  const classifier = new NiceClassifier(model);
  const pairs: Array<[number, number]> = [];
  for (const row of readDescriptions(devSet)) {
    for (const s of classifier.rank(row.description).slice(0, 5)) pairs.push([s.score, row.classes.includes(s.class) ? 1 : 0]);
  }
  return trainClassModel(classes, docs, fitPlatt(pairs));
}

/** Logistic regression of the label on the score (fixed-step gradient descent: deterministic). */
export function fitPlatt(pairs: Array<[number, number]>): { a: number; b: number } {
  let a = 1;
  let b = 0;
  for (let step = 0; step < 3000; step++) {
    let ga = 0;
    let gb = 0;
    for (const [x, y] of pairs) {
      const p = 1 / (1 + Math.exp(-(a * x + b)));
      ga += (p - y) * x;
      gb += p - y;
    }
    a -= (0.5 * ga) / pairs.length;
    b -= (0.5 * gb) / pairs.length;
  }
  return { a: Math.round(a * 1e6) / 1e6, b: Math.round(b * 1e6) / 1e6 };
}

export function writeModel(model: ClassModel, file = CLASS_MODEL_FILE): void {
  mkdirSync(dirname(file), { recursive: true });
  // Written aside and renamed: a process loading it at the same time never reads half a file.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify(model));
  renameSync(partial, file);
}

/** The artifact from disk; trained and written first when it is missing or from an older feature extraction. */
export function loadOrTrainModel(file = CLASS_MODEL_FILE): ClassModel {
  if (existsSync(file)) {
    const model = JSON.parse(readFileSync(file, 'utf8')) as ClassModel;
    if (model.featuresVersion === FEATURES_VERSION) return model;
  }
  const model = trainFromData();
  writeModel(model, file);
  return model;
}

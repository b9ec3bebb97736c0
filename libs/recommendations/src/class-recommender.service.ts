import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { NiceClassifier, type ClassScore } from './classes/classifier';
import { CLASS_MODEL_FILE, loadOrTrainModel } from './classes/training-data';

export interface ClassSuggestion {
  class: number;
  heading: string;
  confidence: number;
  matchedTerms: string[];
  why: string;
}

/** Nice classes from a plain-words description, with the trained model (data/models/nice-classes.json). */
@Injectable()
export class ClassRecommenderService implements OnModuleInit {
  private readonly logger = new Logger(ClassRecommenderService.name);
  private classifier: NiceClassifier | null = null;

  onModuleInit(): void {
    const started = performance.now();
    this.classifier = new NiceClassifier(loadOrTrainModel(CLASS_MODEL_FILE));
    this.logger.log(`Nice-class model ${this.classifier.model.modelVersion} loaded in ${Math.round(performance.now() - started)} ms`);
  }

  private get model(): NiceClassifier {
    this.classifier ??= new NiceClassifier(loadOrTrainModel(CLASS_MODEL_FILE));
    return this.classifier;
  }

  get modelVersion(): string {
    return this.model.model.modelVersion;
  }

  /** The likely classes of a description, best first; empty when no word of it is evidence for any class. */
  suggest(description: string): { suggestions: ClassSuggestion[]; modelVersion: string } {
    const headings = new Map(this.model.classes.map((c) => [c.class, c.heading]));
    // At most 5, each with real support (classifier.ts selectSuggestions): what bench:classes
    // measures as "all correct classes answered".
    const kept = this.model.suggest(description);
    return {
      modelVersion: this.modelVersion,
      suggestions: kept.map((s) => ({
        class: s.class,
        heading: headings.get(s.class) ?? '',
        confidence: Math.round(s.confidence * 1000) / 1000,
        matchedTerms: s.matchedTerms,
        why: explain(s),
      })),
    };
  }
}

function explain(s: ClassScore): string {
  const terms = s.matchedTerms.map((t) => `"${t}"`).join(', ');
  const words = s.matchedWords.length > 0 ? ` through the words ${s.matchedWords.map((w) => `"${w}"`).join(', ')}` : ' through related words (WordNet synonyms or broader terms)';
  return `The description matches the official class ${s.class} terms ${terms}${words}.`;
}

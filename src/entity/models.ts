/**
 * Each kind's linkage model: how the index's standard inputs become features, and the settings the
 * engine links them with (src/entity/person, src/entity/enterprise).
 */
import type { StageRunner } from '../lake/index.ts';
import { enterpriseFeatures } from './enterprise/features.ts';
import { ENTERPRISE_SETTINGS, pinDifferWeights } from './enterprise/settings.ts';
import { ENTITY_INPUTS, type EntityKind } from './kinds.ts';
import type { LinkSettings, TrainedModel } from './link/types.ts';
import { PERSON_SETTINGS, personFeatures } from './person/index.ts';

export interface KindModel {
  /** Columns of the raw table the pipeline gathers (besides rid and source). */
  inputs: string[];
  /** Build table `out` (rid, source, features…) from the raw table `source`. */
  features(run: StageRunner, source: string, out: string): Promise<void>;
  settings: LinkSettings;
  /** Adjust what training learned where EM cannot learn it (e.g. evidence every candidate pair shares). */
  tune?(model: TrainedModel): TrainedModel;
  /** Feature that is one value per entity (a valid ID number): two different values never share a cluster, unless people decided so. */
  conflictKey?: string;
}

export const KIND_MODELS: Record<EntityKind, KindModel> = {
  person: {
    inputs: ENTITY_INPUTS.person,
    async features(run, source, out) {
      await personFeatures(run, {
        source, out,
        mapping: { rid: 'rid', source: 'source', name: 'name', idNumber: 'id_number', sex: 'sex', birthDate: 'birth_date', phone: 'phone', address: 'address' },
      });
    },
    settings: PERSON_SETTINGS,
    conflictKey: 'id18',
  },
  enterprise: {
    inputs: ENTITY_INPUTS.enterprise,
    async features(run, source, out) {
      await enterpriseFeatures(run, {
        source, out,
        mapping: { id: 'rid', source: 'source', name: 'name', code: 'code', legal_rep: 'legal_rep', address: 'address', established: 'established' },
      });
    },
    settings: ENTERPRISE_SETTINGS,
    tune: pinDifferWeights,
    // no one-key rule: a branch's record often carries its head office's code (the model keeps branches apart)
  },
};

/** Which input each comparison reads, to show the guarded values beside an explanation's bars. */
export const EXPLAIN_INPUTS: Record<EntityKind, Record<string, string>> = {
  person: { name: 'name', id18: 'id_number', id: 'id_number', birth: 'birth_date', sex: 'sex', phone: 'phone', address: 'address' },
  enterprise: { name: 'name', name_norm: 'name', core: 'name', org_code: 'code', uscc: 'code', code: 'code', legal_rep: 'legal_rep', address: 'address', district: 'address', established: 'established', industry: 'name', branch: 'name' },
};

export interface Thing {
  id: string;
}

export interface SoundApi {
  find(id: string): Thing;
}

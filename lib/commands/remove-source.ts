import { deleteSource } from "../db/sources";
import { NotFoundError } from "../domain/errors";

/** Deletes a source and its articles. 404 when there is no such source. */
export async function removeSource(id: number): Promise<void> {
  if (!(await deleteSource(id))) throw new NotFoundError(`No source with id ${id}`);
}

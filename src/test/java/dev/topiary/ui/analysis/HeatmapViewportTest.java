package dev.topiary.ui.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Zoom and pan of the visible column range. */
class HeatmapViewportTest {

    @Test
    void zoomKeepsColumnUnderMouse() {
        HeatmapViewport all = HeatmapViewport.all(1000);

        HeatmapViewport zoomed = all.zoom(0.5, 0.25);

        assertEquals(500, zoomed.visible());
        // Column 250 was a quarter of the way across, and still is.
        assertEquals(250, zoomed.first() + 0.25 * zoomed.visible(), 1);
    }

    @Test
    void zoomStopsAtMinimumAndWhole() {
        HeatmapViewport viewport = HeatmapViewport.all(172);
        for (int step = 0; step < 50; step++) {
            viewport = viewport.zoom(0.5, 1);
        }
        assertEquals(HeatmapViewport.MIN_VISIBLE, viewport.visible());
        assertEquals(172 - HeatmapViewport.MIN_VISIBLE, viewport.first());

        for (int step = 0; step < 50; step++) {
            viewport = viewport.zoom(2, 0.5);
        }
        assertTrue(viewport.showsAll());
        assertEquals(0, viewport.first());
    }

    @Test
    void smallZoomStillMovesOneColumn() {
        HeatmapViewport viewport = new HeatmapViewport(172, 0, 10);

        assertEquals(9, viewport.zoom(0.99, 0.5).visible());
        assertEquals(11, viewport.zoom(1.01, 0.5).visible());
    }

    @Test
    void panStopsAtEitherEnd() {
        HeatmapViewport viewport = new HeatmapViewport(100, 50, 20);

        assertEquals(60, viewport.pan(10).first());
        assertEquals(80, viewport.pan(1000).first());
        assertEquals(0, viewport.pan(-1000).first());
        assertEquals(100, viewport.pan(1000).end());
    }

    @Test
    void fewColumnsAreAlwaysAllShown() {
        HeatmapViewport viewport = new HeatmapViewport(5, 3, 2);

        assertEquals(5, viewport.visible());
        assertEquals(0, viewport.first());
    }
}
